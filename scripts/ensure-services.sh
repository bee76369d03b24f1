#!/usr/bin/env bash
# Start MariaDB and Redis when they are down and create the service-backed run's database.
# Usage: ensure-services.sh mysql://user@host:port/name redis://host:port/db
set -euo pipefail
database_url="$1"
broker_url="$2"

wait_for() {  # wait_for "description" command...
  local what="$1"; shift
  for _ in $(seq 1 60); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "$what did not come up within 60 s." >&2
  return 1
}

if ! mariadb-admin -h 127.0.0.1 -u root ping >/dev/null 2>&1; then
  echo "MariaDB is down: starting it." >&2
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for MariaDB mariadb-admin -h 127.0.0.1 -u root ping
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Redis is down: starting it." >&2
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi

name="${database_url##*/}"
mariadb -h 127.0.0.1 -u root -e "DROP DATABASE IF EXISTS \`$name\`; CREATE DATABASE \`$name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
redis_db="${broker_url##*/}"
redis-cli -h 127.0.0.1 -p 6379 -n "$redis_db" flushdb >/dev/null
echo "MariaDB database $name and Redis db $redis_db are ready." >&2
