"""
``make test-edx-proctoring``: edx-proctoring's own test suite, from the sdist of the pinned version, run on a host
without the plugin and on the same host with it; fails when the second run fails a test the first does not.

Usage: ``python -m tests.edx_proctoring_suite.run [pytest arguments for both runs]``. The sdist is kept under
``var/edx-proctoring-suite/`` (git-ignored) and unpacked afresh each time; nothing of it enters the checkout.
Environment: ``EDX_PROCTORING_SUITE_WORKERS`` (pytest-xdist processes per run; the machine's cores by default).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CACHE = REPO / 'var' / 'edx-proctoring-suite'
RUNS = (
    ('baseline', 'tests.edx_proctoring_suite.settings'),
    ('with plugin', 'tests.edx_proctoring_suite.settings_with_plugin'),
)
FAILING = {'failed'}
# Expects writing /etc/workers-test.json to fail; run as root it succeeds (and leaves the file behind), so it fails
# in both runs and changes the machine: not run as root.
AS_ROOT_NOT_RUN = 'edx_proctoring/tests/test_workerconfig.py::TestWorkerConfig::test_no_permission'


def pinned_version():
    """edx-proctoring's version in requirements/base.txt, which must be the one installed."""
    match = re.search(r'^edx-proctoring==(\S+)', (REPO / 'requirements' / 'base.txt').read_text(), re.MULTILINE)
    pinned = match.group(1)
    installed = version('edx-proctoring')
    if installed != pinned:
        sys.exit(f'edx-proctoring {installed} is installed but {pinned} is pinned: reinstall the requirements '
                 '(pip install -r requirements/test.txt) first.')
    return pinned


def unpacked_sdist(pinned):
    """The sdist of exactly ``pinned``, downloaded once, unpacked afresh; returns its source directory."""
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / f'edx_proctoring-{pinned}.tar.gz'
    if not archive.exists():
        subprocess.run([sys.executable, '-m', 'pip', 'download', '-q', '--no-binary', ':all:', '--no-deps',
                        f'edx-proctoring=={pinned}', '-d', str(CACHE)], check=True)
    source = CACHE / f'edx_proctoring-{pinned}'
    shutil.rmtree(source, ignore_errors=True)
    with tarfile.open(archive) as sdist:
        sdist.extractall(CACHE, filter='data')
    if not (source / 'edx_proctoring' / 'tests').is_dir():
        sys.exit(f'{archive} carries no edx_proctoring/tests.')
    return source


def run(label, settings_module, source, pytest_args, workdir):
    """One run of the suite; returns (pytest's exit code, {node id: outcome}, on-commit callbacks run, seconds)."""
    report = workdir / f'{label.replace(" ", "-")}.json'
    env_root = workdir / label.replace(' ', '-')
    env_root.mkdir()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(HERE / 'pythonpath')]),
               EDX_PROCTORING_SUITE_TMP=str(env_root))
    env.pop('DJANGO_SETTINGS_MODULE', None)
    workers = os.environ.get('EDX_PROCTORING_SUITE_WORKERS', str(os.cpu_count() or 1))
    command = [
        sys.executable, '-m', 'pytest', 'edx_proctoring',
        # edx-proctoring's own configuration (setup.cfg) adds coverage and three workers: not ours to measure. The
        # checkout is on PYTHONPATH; pytest-django must not also add it by finding our manage.py above var/.
        '-o', 'addopts=', '-o', 'django_find_project=false',
        '-p', 'no:cacheprovider', '-p', 'tests.edx_proctoring_suite.pytest_plugin',
        f'--ds={settings_module}', f'--suite-report={report}', '-q', '-rfE', '--no-header',
        *(['-n', workers] if workers != '0' else []),
        *(['--deselect', AS_ROOT_NOT_RUN] if os.geteuid() == 0 else []),
        *pytest_args,
    ]
    print(f'== edx-proctoring suite, {label}: {" ".join(command[3:])}', flush=True)
    started = time.monotonic()
    # The sdist's directory comes first on sys.path (python -m), so its edx_proctoring is the one tested.
    code = subprocess.run(command, cwd=source, env=env, check=False).returncode
    seconds = time.monotonic() - started
    recorded = json.loads(report.read_text()) if report.exists() else {}
    return code, recorded.get('outcomes', {}), recorded.get('on_commit_callbacks', 0), seconds


def counts(outcomes):
    tally = Counter(outcomes.values())
    extra = ''.join(f', {tally[name]} {name}' for name in ('xfailed', 'xpassed') if tally[name])
    return f'{tally["passed"]} passed, {tally["failed"]} failed, {tally["skipped"]} skipped{extra}'


def main(pytest_args):
    pinned = pinned_version()
    if os.geteuid() == 0:
        print(f'Running as root: {AS_ROOT_NOT_RUN} is not run (it needs /etc to be unwritable).')
    source = unpacked_sdist(pinned)
    results = {}
    with tempfile.TemporaryDirectory(prefix='edx-proctoring-suite-') as workdir:
        for label, settings_module in RUNS:
            results[label] = run(label, settings_module, source, pytest_args, Path(workdir))
    (_code, base, _callbacks, base_s), (_code, plugin, callbacks, plugin_s) = results.values()
    only_with_plugin = sorted(
        node for node, outcome in plugin.items() if outcome in FAILING and base.get(node) not in FAILING)
    missing = sorted(set(base) - set(plugin))
    for node in only_with_plugin:
        print(f'FAILED only with the plugin: {node}')
    for node in missing:
        print(f'NOT RUN with the plugin: {node}')
    broken = [f'the {label} run ended with pytest exit code {code}'
              for label, (code, outcomes, _callbacks, _s) in results.items() if code not in (0, 1) or not outcomes]
    if not callbacks:
        broken.append("no on-commit work ran with the plugin: its receivers were never reached")
    for problem in broken:
        print(f'ERROR: {problem}')
    print(f'edx-proctoring {pinned}: baseline {counts(base)} ({base_s:.0f} s); with the plugin {counts(plugin)} '
          f'({plugin_s:.0f} s, {callbacks} on-commit callbacks run); {len(only_with_plugin)} failing only with the '
          f'plugin, {len(missing)} not run with it')
    return 1 if only_with_plugin or missing or broken else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
