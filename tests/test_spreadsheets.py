"""
CSV cells a spreadsheet opens as text: the results report and the audit log carry text people typed.
"""
from offline_delivery_plugin.spreadsheets import safe_row


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    """A chief invigilator's reason, a file name: a cell starting like a formula gets a leading apostrophe."""
    assert safe_row(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\t=1', 'Power cut', 10, None, '']) == [
        '\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\t=1", 'Power cut', 10, None, '']
