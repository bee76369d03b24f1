"""
Sphinx configuration of the offline_delivery_plugin documentation (``make docs``, warnings are errors).
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

project = 'offline_delivery_plugin'
author = 'The offline_delivery_plugin team'
copyright = '2026, The offline_delivery_plugin team'
release = re.search(r"__version__ = '([^']+)'", (ROOT / 'offline_delivery_plugin' / '__init__.py').read_text())[1]
version = release

extensions = []
templates_path = []
exclude_patterns = ['_build']
html_theme = 'alabaster'
html_static_path = ['_static']
html_css_files = ['card.css']
