"""
CSV cells that a spreadsheet opens as text. The results report and the audit log carry text people typed (a
chief invigilator's reason, a file name from a USB stick); a cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab
or carriage return before one) would run as a formula in the spreadsheet course staff open it in. Such a cell gets
a leading apostrophe, OWASP's advice for CSV injection.
"""

__all__ = [
    'safe_cell',
    'safe_row',
]

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def safe_cell(value):
    """``value`` as written into a CSV cell: text that would start a formula is kept as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values):
    """Every cell of a row through ``safe_cell``."""
    return [safe_cell(value) for value in values]
