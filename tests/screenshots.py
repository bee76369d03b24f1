"""
The screenshots the docs show (docs/screenshots), written by the browser tests. A run rewrites a screenshot only
when the page changed, not when a clock moved on or a receipt code differs, so ``make test`` leaves the tree clean.
A new layout, field or message changes far more of a screenshot than a time or a code does; a change of a few words
in a small detail may stay below the line: ``SCREENSHOTS_REWRITE=1 make test`` writes every screenshot anew.
"""
import io
import os
from pathlib import Path

from PIL import Image, ImageChops

SCREENSHOTS = Path(__file__).resolve().parents[1] / 'docs' / 'screenshots'

#: A new screenshot replaces the kept one when the size differs or more than this share of its pixels changed.
#: Measured on this project's screenshots between two runs: times and receipt codes change 1 to 5 % of them.
CHANGED_SHARE = 0.08


def changed_pixels(kept, new):
    """How many pixels differ between two images of the same size."""
    difference = ImageChops.difference(kept.convert('RGB'), new.convert('RGB')).convert('L')
    return sum(difference.point(lambda value: 255 if value else 0).histogram()[255:])


def keep(path, png):
    """Write ``png`` to ``path`` unless the file there shows the same page; True when written."""
    path = Path(path)
    if path.exists() and not os.environ.get('SCREENSHOTS_REWRITE'):
        with Image.open(path) as kept, Image.open(io.BytesIO(png)) as new:
            if kept.size == new.size and changed_pixels(kept, new) <= CHANGED_SHARE * kept.width * kept.height:
                return False
    path.write_bytes(png)
    return True
