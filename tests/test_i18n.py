"""
Every string of the plugin is translated into Swedish, and the compiled catalogues are what the sources say.
"""
import ast
import json
import re
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / 'offline_delivery_plugin' / 'conf' / 'locale'
ENTRY = re.compile(r'^(#, fuzzy\n)?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


def entries(domain):
    """(msgid, msgstr, fuzzy) of the Swedish catalogue, header left out."""
    text = (LOCALE / 'sv' / 'LC_MESSAGES' / f'{domain}.po').read_text(encoding='utf-8')
    found = []
    for match in ENTRY.finditer(text):
        msgid = ''.join(ast.literal_eval(line) for line in match.group(2).splitlines())
        msgstr = ''.join(ast.literal_eval(line) for line in match.group(3).strip().splitlines())
        if msgid:
            found.append((msgid, msgstr, bool(match.group(1))))
    return found


@pytest.mark.parametrize('domain', ['django', 'djangojs'])
def test_nothing_is_untranslated_or_fuzzy(domain):
    catalogue = entries(domain)
    assert len(catalogue) > 20
    assert [msgid for msgid, msgstr, fuzzy in catalogue if not msgstr or fuzzy] == []


def test_the_compiled_python_catalogue_matches_the_source():
    with translation.override('sv'):
        for msgid, msgstr, _fuzzy in entries('django'):
            assert translation.gettext(msgid) == msgstr


def test_the_javascript_catalogue_is_served_in_swedish(client):
    body = client.get('/jsi18n/', HTTP_ACCEPT_LANGUAGE='sv').content.decode('utf-8')
    for msgid, msgstr, _fuzzy in entries('djangojs'):
        assert json.dumps(msgstr) in body, msgid


def test_every_string_in_the_javascript_is_in_the_catalogue():
    source = (Path(__file__).resolve().parents[1] / 'offline_delivery_plugin' / 'static' / 'offline_delivery_plugin'
              / 'js' / 'candidate.js').read_text(encoding='utf-8')
    used = set(re.findall(r"gettext\('((?:[^'\\]|\\.)*)'\)", source))
    known = {msgid for msgid, _msgstr, _fuzzy in entries('djangojs')}
    unescaped = {ast.literal_eval(f"'{text}'") for text in used}
    # Strings split over lines ('a' + 'b') are checked by the catalogue test above; single-line ones here.
    assert unescaped <= known, unescaped - known


PACKAGE = Path(__file__).resolve().parents[1] / 'offline_delivery_plugin'
GETTEXT_NAMES = {'_', 'gettext', 'gettext_lazy', 'gettext_noop'}


def _python_strings():
    """Every literal the package's Python marks for translation (``_('...')`` and the like)."""
    for path in PACKAGE.rglob('*.py'):
        if 'migrations' in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding='utf-8'))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, 'id', None) or getattr(node.func, 'attr', None)
            if name in GETTEXT_NAMES and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value,
                                                                                               str):
                yield path.name, node.args[0].value


def _template_strings():
    """Every string the package's Django templates translate, as Django's own extractor sees them."""
    # pylint: disable=import-outside-toplevel
    from django.utils.translation.template import templatize

    for path in (PACKAGE / 'templates').rglob('*.html'):
        if 'instructor_dashboard' in path.parts:  # a Mako template: ${_("...")}
            for literal in re.findall(r'\$\{_\(("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')\)', path.read_text()):
                yield path.name, ast.literal_eval(literal)
            continue
        code = templatize(path.read_text(encoding='utf-8'), origin=str(path))
        for literal in re.findall(r"gettext\((u?'(?:[^'\\]|\\.)*'|u?\"(?:[^\"\\]|\\.)*\")\)", code):
            yield path.name, ast.literal_eval(literal.lstrip('u'))


def _javascript_strings():
    """Every literal the package's JavaScript passes to gettext, with 'a' + 'b' concatenations joined."""
    literal = r"'(?:[^'\\]|\\.)*'"
    for path in (PACKAGE / 'static').rglob('*.js'):
        source = path.read_text(encoding='utf-8')
        for call in re.findall(rf"gettext\(\s*((?:{literal}\s*\+?\s*)+)\)", source):
            yield path.name, ''.join(ast.literal_eval(part) for part in re.findall(literal, call))


@pytest.mark.parametrize('domain,found', [
    ('django', _python_strings),
    ('django', _template_strings),
    ('djangojs', _javascript_strings),
])
def test_every_marked_string_is_in_the_swedish_catalogue(domain, found):
    """A string marked in the code but never extracted (``make translations`` forgotten) fails here."""
    known = {msgid for msgid, _msgstr, _fuzzy in entries(domain)}
    strings = list(found())
    assert len(strings) > 20
    assert sorted({f'{where}: {text}' for where, text in strings if text not in known}) == []
