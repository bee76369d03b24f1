"""
The ids in the plugin's URLs, bounded where the URL is parsed.

An id is at most 18 ASCII digits: every such number fits a signed 64-bit column (SQLite's INTEGER, MariaDB's
BIGINT), so no id a client types can overflow a query or a column, whatever the database and whatever reaches it
later (a lookup, an audit row, a lock). A longer number, or digits of another script (``\\d`` matches ``١٢٣``,
which ``int()`` reads as 123), is no match: a 404 before any view runs.
"""
from django.urls import register_converter

#: The largest id any of the plugin's databases can hold (a signed 64-bit integer).
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """``<database_id:name>`` in a ``path()``: 1 to 18 ASCII digits, passed to the view as an ``int``."""

    #: 18 digits, so every match is at most 10**18 - 1, below ``MAX_DATABASE_ID``.
    regex = '[0-9]{1,18}'

    def to_python(self, value):
        number = int(value)
        if number > MAX_DATABASE_ID:  # unreachable with the regex above; it states the bound the regex keeps
            raise ValueError(value)
        return number

    def to_url(self, value):
        return str(int(value))


def database_id(name):
    """The same id in a ``re_path()`` pattern (which takes no converters), as the named group ``name``."""
    return rf'(?P<{name}>{DatabaseIdConverter.regex})'


register_converter(DatabaseIdConverter, 'database_id')
