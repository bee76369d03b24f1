"""
The plugin's Python API, the front door (``api``): what it exports, where each name comes from, and that nothing
below it imports it.
"""
import ast
import inspect
import sys
from pathlib import Path

from offline_delivery_plugin import api

#: The only functions written in api.py: each stores through the module below, then queues its task.
ORCHESTRATION = {'start_bulk_upload', 'request_results_report', 'decide_exam_request'}

#: The plugin's edges, which may import api (besides api itself); every other module is below it.
EDGES = {'apps', 'extensions', 'management', 'middleware', 'rest_api', 'signals', 'views', 'urls', 'urls_cms',
         'http', 'rules'}

PACKAGE = Path(api.__file__).resolve().parent


def package_modules():
    """The package's modules that are loaded (importing api loads every module it re-exports from), but api."""
    return [module for name, module in sorted(sys.modules.items())
            if name.startswith(f'{api.__package__}.') and module is not api and module is not None]


def owners_of(obj):
    """The package's modules (api aside) that list ``obj`` in their ``__all__``."""
    return [module.__name__ for module in package_modules()
            if any(getattr(module, name, None) is obj for name in getattr(module, '__all__', ()))]


def test_api_declares_its_public_names():
    assert set(api.__all__) <= set(dir(api))
    assert 'AttemptRecord' not in api.__all__


def test_api_only_re_exports_what_the_modules_below_declare():
    """
    Every name api exports is one of the three orchestration functions written in api.py, or is re-exported from
    the module that owns it and lists it in its ``__all__`` (a function or class: the module it was defined in; a
    constant: any module of the package listing that very object).
    """
    written_here, problems = set(), []
    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isfunction(obj) and Path(obj.__code__.co_filename).resolve() == Path(api.__file__).resolve():
            written_here.add(name)
        elif inspect.isfunction(obj) or inspect.isclass(obj):
            owner = sys.modules.get(obj.__module__)
            if owner is None or owner is api or not obj.__module__.startswith(f'{api.__package__}.'):
                problems.append(f'{name}: defined in {obj.__module__}, not in a module of the package below api')
            elif obj.__name__ not in getattr(owner, '__all__', ()) or getattr(owner, obj.__name__) is not obj:
                problems.append(f'{name}: {obj.__module__} does not list {obj.__name__} in its __all__')
        elif not owners_of(obj):
            problems.append(f'{name}: no module of the package lists this constant in its __all__')
    assert not problems, problems
    assert written_here == ORCHESTRATION


def api_imports(path):
    """Where a module of the package imports ``offline_delivery_plugin.api`` (any depth, relative imports too)."""
    package = list(path.relative_to(PACKAGE.parent).parts[:-1])  # what a relative import starts from
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            module = '.'.join(base + ([node.module] if node.module else []))
            imported = [module] + [f'{module}.{alias.name}' for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            imported = [node.value]  # a dotted path handed to import_module or a setting
        else:
            continue
        if any(name == api.__name__ or name.startswith(f'{api.__name__}.') for name in imported):
            yield f'{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {api.__name__}'


def test_nothing_below_api_imports_it():
    """api is the front door at the top: only the edges import it (the layers contract in .importlinter)."""
    below = [path for path in sorted(PACKAGE.rglob('*.py'))
             if path.relative_to(PACKAGE).parts[0].removesuffix('.py') not in EDGES | {'api'}]
    assert PACKAGE / 'tasks.py' in below and PACKAGE / 'crypto' / 'envelope.py' in below
    offenders = [offence for path in below for offence in api_imports(path)]
    assert not offenders, offenders
