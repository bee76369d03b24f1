#!/usr/bin/env bash
# mysqlclient (the MySQL driver Open edX uses) compiles against the MariaDB/MySQL client library.
set -euo pipefail
if pkg-config --exists mariadb 2>/dev/null || pkg-config --exists mysqlclient 2>/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq libmariadb-dev pkg-config >/dev/null
  exit 0
fi
echo "mysqlclient needs the MariaDB client headers: install libmariadb-dev and pkg-config." >&2
exit 1
