"""
edx-proctoring's own test suite, run twice by ``make test-edx-proctoring``: on a host without the plugin, then on
the same host with the plugin installed as an LMS installs it. The with-plugin run must fail nothing the first run
does not (docs/testing.rst).

edx-proctoring's sdist carries its tests but not the host they run on (its repository keeps ``test_settings.py``,
``test_urls.py`` and the ``mock_apps`` stand-in beside the package), so this directory provides that host:

* ``settings``: the host edx-proctoring's tests expect (the settings they read), without the plugin.
* ``settings_with_plugin``: the same host plus the plugin, wired as the LMS wires it.
* ``urls``, ``apps``, ``edxapp_backend``, ``pythonpath/mock_apps``: the host's URLs, start-up, compat backend and
  user profile.
* ``pytest_plugin``: runs ``transaction.on_commit`` work as a committing request would, in both runs.
* ``run``: fetches the pinned sdist, runs both, compares them test by test.

Nothing here is named ``test_*`` or ``conftest``: the plugin's own suite does not collect it.
"""
