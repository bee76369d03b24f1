"""
The docs show screenshots the browser tests take: every image the docs use must be one a browser test writes (so
it is refreshed whenever the page changes and cannot go stale unnoticed), and it must be there for a fresh clone's
`make docs`.
"""
import io
import re
from pathlib import Path

from PIL import Image

from tests.screenshots import keep

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


class TestScreenshotsChangeOnlyWithThePage:
    """A browser run rewrites a screenshot when the page changed, not when a clock moved on."""

    @staticmethod
    def png(image):
        buffer = io.BytesIO()
        image.save(buffer, format='PNG')
        return buffer.getvalue()

    def test_a_few_pixels_keep_the_file(self, tmp_path):
        page = Image.new('RGB', (200, 100), 'white')
        path = tmp_path / 'page.png'
        assert keep(path, self.png(page)) is True
        kept = path.read_bytes()
        page.paste('black', (10, 10, 20, 20))  # 100 pixels of 20,000: a digit of the countdown
        assert keep(path, self.png(page)) is False
        assert path.read_bytes() == kept

    def test_a_changed_page_or_size_is_written(self, tmp_path):
        path = tmp_path / 'page.png'
        keep(path, self.png(Image.new('RGB', (200, 100), 'white')))
        changed = Image.new('RGB', (200, 100), 'white')
        changed.paste('black', (0, 0, 200, 20))  # a new bar across the page: 4,000 pixels
        assert keep(path, self.png(changed)) is True
        with Image.open(path) as written:
            assert written.getpixel((5, 5)) == (0, 0, 0)
        taller = Image.new('RGB', (200, 120), 'white')
        assert keep(path, self.png(taller)) is True
        with Image.open(path) as written:
            assert written.size == (200, 120)
