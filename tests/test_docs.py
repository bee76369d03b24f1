"""
The docs show screenshots the browser tests take: every image the docs use must be one a browser test writes (so
it is refreshed on every run and cannot go stale unnoticed), and it must be there for a fresh clone's `make docs`.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / 'docs'


def _images_in_docs():
    return {match for page in DOCS.rglob('*.rst')
            for match in re.findall(r'\.\. image:: screenshots/([\w-]+)\.png', page.read_text())}


def _screenshots_taken_by_tests():
    return {match for test in (ROOT / 'tests' / 'browser').glob('test_*.py')
            for match in re.findall(r"screenshot\(\w+, '([\w-]+)'", test.read_text())}


def test_every_screenshot_in_the_docs_is_taken_by_a_browser_test():
    images = _images_in_docs()
    assert images, 'the docs show no screenshots: the pattern no longer matches'
    assert images <= _screenshots_taken_by_tests(), images - _screenshots_taken_by_tests()


def test_every_screenshot_in_the_docs_is_in_the_repository():
    missing = [name for name in _images_in_docs() if not (DOCS / 'screenshots' / f'{name}.png').is_file()]
    assert not missing, missing
