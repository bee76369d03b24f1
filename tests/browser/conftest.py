"""
Chromium for the browser tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by Playwright, which cannot
download its own browser here. ``make test`` installs Chromium first where it can.
"""
import contextlib
import os
import threading
import time

import pytest
from django.core.signals import request_finished, request_started

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS
from tests.screenshots import SCREENSHOTS, keep

# Playwright's sync API runs an event loop in the test thread; the test's own ORM calls are still synchronous.
os.environ.setdefault('DJANGO_ALLOW_ASYNC_UNSAFE', 'true')


@pytest.fixture(scope='session')
def playwright():
    """Playwright, for the session; a test that needs Chromium fails (never skips) where there is none."""
    from playwright.sync_api import sync_playwright  # pylint: disable=import-outside-toplevel

    if not os.path.exists(CHROMIUM):
        pytest.fail(f'Chromium is not at {CHROMIUM}: run `make test` (it installs it) or set CHROMIUM_PATH.')
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope='session')
def chromium(playwright):
    """One Chromium for the session."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope='session')
def lms_relay(live_server):
    """The live server behind a relay whose network the tests can cut (tests/browser/network.py), for the session."""
    from tests.browser.network import Relay  # pylint: disable=import-outside-toplevel

    relay = Relay(live_server.url)
    yield relay
    relay.close()


@pytest.fixture
def hall_network(lms_relay):
    """The network between the browser and the LMS: ``cut()`` and ``restore()``; it is up again after the test."""
    lms_relay.restore()
    yield lms_relay
    lms_relay.restore()


@pytest.fixture(scope='session')
def mfe_shell(lms_relay):
    """
    The sandbox's learning MFE shell (sandbox/mfe_shell) on its own origin, for the session: the port the test
    settings gave it (``SANDBOX_MFE_URL``, which CORS and CSRF trust), the live server behind the relay as its LMS
    (``lms_relay.url``: the LMS the shell's learner uses). Returns its URL.
    """
    # pylint: disable=import-outside-toplevel
    from urllib.parse import urlsplit

    from django.conf import settings

    from sandbox.mfe_shell.server import BUNDLE, serve_in_thread

    if not BUNDLE.exists():
        pytest.fail(f'The MFE shell is not built ({BUNDLE}): run `make test`, which builds it.')
    origin = urlsplit(settings.SANDBOX_MFE_URL)
    server, url = serve_in_thread(lms_relay.url, host=origin.hostname, port=origin.port)
    yield url
    server.shutdown()


@pytest.fixture
def mfe(mfe_shell, live_server, settings):
    """The learning MFE shell as this test's LMS knows it (``LEARNING_MICROFRONTEND_URL``). Returns its URL."""
    settings.LEARNING_MICROFRONTEND_URL = mfe_shell
    settings.LMS_ROOT_URL = live_server.url
    return mfe_shell


@pytest.fixture
def persistent_chromium(playwright, tmp_path, transactional_db):
    """
    ``launch()`` starts Chromium on a profile directory that outlives it, and ``kill()`` ends that Chromium the
    hard way (SIGKILL to every process of the profile): a crash, not a close.
    """
    import signal  # pylint: disable=import-outside-toplevel

    profile = tmp_path / 'profile'
    contexts = []

    class Persistent:  # pylint: disable=too-few-public-methods
        @staticmethod
        def launch():
            context = playwright.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, accept_downloads=True,
                viewport={'width': 1200, 'height': 900})
            contexts.append(context)
            return context

        @staticmethod
        def kill():
            for pid in os.listdir('/proc'):
                if not pid.isdigit():
                    continue
                try:
                    with open(f'/proc/{pid}/cmdline', 'rb') as handle:
                        cmdline = handle.read().decode(errors='replace')
                except OSError:
                    continue
                if str(profile) in cmdline:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(pid), signal.SIGKILL)

    yield Persistent
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()
    _InFlight.wait_until_idle()


class _InFlight:
    """
    Requests the live server is still answering (Django's request signals), so teardown can wait for them.

    A request is kept by the thread answering it (the live server answers each connection in a thread of its own,
    and Django sends both signals in it). A request whose ``request_finished`` never comes (its client went away
    mid-answer) is forgotten once its thread ends: a counter would stay above zero from then on, and every later
    teardown would wait its whole time for nothing.
    """

    threads = {}
    lock = threading.Lock()

    @classmethod
    def started(cls, **kwargs):
        with cls.lock:
            cls.threads[threading.get_ident()] = threading.current_thread()

    @classmethod
    def finished(cls, **kwargs):
        with cls.lock:
            cls.threads.pop(threading.get_ident(), None)

    @classmethod
    def busy(cls):
        """Whether a request is still being answered by a thread that is alive."""
        with cls.lock:
            for ident, thread in list(cls.threads.items()):
                if not thread.is_alive():
                    del cls.threads[ident]
            return bool(cls.threads)

    @classmethod
    def wait_until_idle(cls, seconds=15):
        deadline = time.monotonic() + seconds
        while cls.busy() and time.monotonic() < deadline:
            time.sleep(0.05)


request_started.connect(_InFlight.started, dispatch_uid='browser-tests-in-flight')
request_finished.connect(_InFlight.finished, dispatch_uid='browser-tests-in-flight')


@pytest.fixture
def page(chromium, transactional_db):
    """
    A fresh browser context (its own cookies and storage) and page, closed after the test.

    It asks for the database first so that it is closed *before* the database is flushed: a page still saving
    (a timer, a service worker) must not write into a database being emptied. A request the page sent just before
    it closed may still be running in the live server (an exam page with capa problems takes a while to render):
    teardown waits for it too.
    """
    context = chromium.new_context(accept_downloads=True, viewport={'width': 1200, 'height': 900})
    yield context.new_page()
    context.close()
    _InFlight.wait_until_idle()


@pytest.fixture
def screenshot():
    """``screenshot(page, name)`` keeps a full-page PNG in docs/screenshots, where the docs show it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name, element=None):
        """The whole page, or only ``element`` (a locator) where the docs show a detail."""
        path = SCREENSHOTS / f'{name}.png'
        keep(path, element.screenshot() if element is not None else page.screenshot(full_page=True))
        return path

    return take
