"""
The pages' plain JavaScript: the candidate page's service worker must keep every module the page loads, or a reload
while the network is down starts a page with a module missing.
"""
import posixpath
import re
from pathlib import Path

JS = Path(__file__).resolve().parents[1] / 'offline_delivery_plugin' / 'static' / 'offline_delivery_plugin' / 'js'
IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)
SIDE_EFFECT_IMPORT = re.compile(r"""^\s*import\s+['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)


def imported_modules(entry):
    """Every module reachable from ``entry`` (a path under js/) by its static imports, as paths under js/."""
    seen, todo = set(), [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        source = (JS / module).read_text(encoding='utf-8')
        for specifier in IMPORT.findall(source) + SIDE_EFFECT_IMPORT.findall(source):
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(module), specifier)))
    return seen


def kept_modules():
    """The modules the candidate page asks the service worker to keep (``MODULES`` in offline-copy.js)."""
    source = (JS / 'candidate' / 'offline-copy.js').read_text(encoding='utf-8')
    listed = re.search(r'MODULES\s*=\s*\[(.*?)\];', source, re.DOTALL).group(1)
    return {posixpath.normpath(posixpath.join('candidate', name)) for name in re.findall(r"'([^']+)'", listed)}


def test_the_service_worker_keeps_every_module_the_candidate_page_loads():
    loaded = imported_modules('candidate/main.js')
    assert 'candidate/store.js' in loaded and 'shared/http.js' in loaded  # the graph is read, not empty
    assert kept_modules() == loaded


def test_every_candidate_module_is_loaded():
    on_disk = {f'{path.parent.name}/{path.name}' for folder in ('candidate', 'shared')
               for path in (JS / folder).glob('*.js')}
    assert on_disk == imported_modules('candidate/main.js')
