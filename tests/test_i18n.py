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
def _text(lines):
    return ''.join(ast.literal_eval(line) for line in lines)


def entries(domain):
    """
    (msgid, msgstr, fuzzy) of the Swedish catalogue, header left out; a plural entry gives its singular msgid and
    each of its forms' msgstr joined by a newline (an empty form leaves an empty line). ``fuzzy`` is any ``#,`` flag
    line naming fuzzy (``#, fuzzy, python-format`` too).
    """
    text = (LOCALE / 'sv' / 'LC_MESSAGES' / f'{domain}.po').read_text(encoding='utf-8')
    found = []
    for block in text.split('\n\n'):
        lines = [line for line in block.splitlines() if line and not line.startswith('#|')]
        fuzzy = any(line.startswith('#,') and 'fuzzy' in line for line in lines)
        parts, current = {}, None
        for line in lines:
            if line.startswith('#'):
                continue
            if line.startswith('"'):
                parts[current].append(line)
                continue
            current, _sep, rest = line.partition(' ')
            parts[current] = [rest]
        msgid = _text(parts.get('msgid', ['""']))
        forms = [_text(value) for key, value in sorted(parts.items()) if key.startswith('msgstr')]
        if msgid:
            found.append((msgid, '\n'.join(forms) if 'msgid_plural' in parts else forms[0], fuzzy,
                          _text(parts['msgid_plural']) if 'msgid_plural' in parts else None, forms))
    return found


@pytest.mark.parametrize('domain', ['django', 'djangojs'])
def test_nothing_is_untranslated_or_fuzzy(domain):
    catalogue = entries(domain)
    assert len(catalogue) > 20
    assert [msgid for msgid, _msgstr, fuzzy, _plural, forms in catalogue if not all(forms) or fuzzy] == []


def test_the_compiled_python_catalogue_matches_the_source():
    with translation.override('sv'):
        for msgid, msgstr, _fuzzy, plural, forms in entries('django'):
            if plural is None:
                assert translation.gettext(msgid) == msgstr
            else:
                assert [translation.ngettext(msgid, plural, count) for count in (1, 2)] == forms


def test_the_javascript_catalogue_is_served_in_swedish(client):
    body = client.get('/jsi18n/', HTTP_ACCEPT_LANGUAGE='sv').content.decode('utf-8')
    for msgid, _msgstr, _fuzzy, _plural, forms in entries('djangojs'):
        for form in forms:
            assert json.dumps(form) in body, msgid


def test_every_string_in_the_javascript_is_in_the_catalogue():
    # Every script of the pages: the entries and their modules (candidate/, monitor/, dashboard/, shared/); the
    # service worker shows nothing.
    scripts = (Path(__file__).resolve().parents[1] / 'offline_delivery_plugin' / 'static' / 'offline_delivery_plugin'
               / 'js').rglob('*.js')
    source = '\n'.join(path.read_text(encoding='utf-8') for path in sorted(scripts) if path.name != 'service-worker.js')
    used = set(re.findall(r"gettext\('((?:[^'\\]|\\.)*)'\)", source))
    known = {entry[0] for entry in entries('djangojs')}
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
    known = {entry[0] for entry in entries(domain)}
    strings = list(found())
    assert len(strings) > 20
    assert sorted({f'{where}: {text}' for where, text in strings if text not in known}) == []
