"""
``make demo``: the common settings plus the plugins' production-type settings, as an operator's LMS would run.
"""
from sandbox.settings.common import *
from sandbox.settings.common import PROJECT_TYPE, add_plugins

add_plugins(__name__, PROJECT_TYPE, 'production')
