"""
The origin of the sandbox's learning MFE shell: a small static server on its own port, as Tutor serves the MFEs
from their own origin. ``/shell.js`` is the bundle ``make`` builds (``var/mfe-shell/shell.js``: the shell's
``src/`` with the real @edx/frontend-lib-special-exams, frontend-platform and Paragon, by esbuild), with
Paragon's CSS beside it; every other path is the single page, which reads its route
(``/course/<course>/<sequence>[/<unit>]``) itself, as an MFE does.

    python -m sandbox.mfe_shell.server --lms http://127.0.0.1:8000 --port 2000
"""
import argparse
import html
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BUILD = Path(__file__).resolve().parents[2] / 'var' / 'mfe-shell'
BUNDLE = BUILD / 'shell.js'
#: What the shell's origin serves from the build: the bundle, and Paragon's compiled CSS (its core and light theme,
#: as an MFE loads them).
FILES = {'/shell.js': 'application/javascript; charset=utf-8', '/core.min.css': 'text/css; charset=utf-8',
         '/light.min.css': 'text/css; charset=utf-8'}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Learning (sandbox MFE shell)</title>
<link rel="stylesheet" href="/core.min.css"><link rel="stylesheet" href="/light.min.css">
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0; background: #f5f5f2; color: #1c1c1c; }}
  .shell-header {{ background: #00262b; color: #fff; padding: .8rem 1.5rem; font-weight: 600; }}
  .sequence-container {{ max-width: 1100px; margin: 1rem auto; padding: 0 1rem; }}
  .sequence-navigation {{ display: flex; gap: .4rem; margin: .5rem 0 1rem; }}
  .sequence-navigation button[aria-current] {{ font-weight: 700; outline: 2px solid #0a3055; }}
</style></head>
<body>
<header class="shell-header">{site} · learning (the sandbox's MFE shell)</header>
<div id="root"></div>
<script>window.SHELL_CONFIG = {config};</script>
<script src="/shell.js"></script>
</body></html>
"""


def shell_config(lms_url, shell_url):
    """frontend-platform's configuration, as an MFE's build (``.env``) gives it; ``EXAMS_BASE_URL`` empty selects
    edx-proctoring's API in frontend-lib-special-exams."""
    return {
        'BASE_URL': shell_url, 'LMS_BASE_URL': lms_url, 'EXAMS_BASE_URL': '',
        'LOGIN_URL': f'{lms_url}/login/', 'LOGOUT_URL': f'{lms_url}/logout/',
        'REFRESH_ACCESS_TOKEN_ENDPOINT': f'{lms_url}/login_refresh', 'ACCESS_TOKEN_COOKIE_NAME': 'edx-jwt-cookie',
        'CSRF_TOKEN_API_PATH': '/csrf/api/v1/token', 'SITE_NAME': 'Offline delivery sandbox',
        'SUPPORT_URL': f'{lms_url}/', 'CONTACT_URL': f'{lms_url}/', 'PROCTORED_EXAM_FAQ_URL': '',
        'PROCTORED_EXAM_RULES_URL': '',
    }


def make_handler(lms_url, shell_url):
    """A request handler serving the bundle and the page for this LMS."""
    config = json.dumps(shell_config(lms_url, shell_url)).replace('<', '\\u003c')
    page = PAGE.format(site=html.escape('Offline delivery sandbox'), config=config).encode()

    class ShellHandler(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split('?', 1)[0]
            if path in FILES:
                built = BUILD / path.lstrip('/')
                if not built.exists():
                    self._answer(503, b'The shell is not built: run make (var/mfe-shell/).', 'text/plain')
                    return
                self._answer(200, built.read_bytes(), FILES[path])
                return
            self._answer(200, page, 'text/html; charset=utf-8')

        def _answer(self, status, body, content_type):
            self.send_response(status)
            self.send_header('Content-Type', content_type)
            self.send_header('Content-Length', str(len(body)))
            self.send_header('Cache-Control', 'no-cache')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    return ShellHandler


def serve_in_thread(lms_url, host='127.0.0.1', port=0):
    """Start the shell's server in a daemon thread; returns (server, its URL). ``port`` 0 picks a free one."""
    server = ThreadingHTTPServer((host, port), None)
    url = f'http://{host}:{server.server_address[1]}'
    server.RequestHandlerClass = make_handler(lms_url.rstrip('/'), url)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, url


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--lms', default='http://127.0.0.1:8000')
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=2000)
    args = parser.parse_args()
    url = f'http://{args.host}:{args.port}'
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.lms.rstrip('/'), url))
    print(f'  MFE shell: {url}/course/<course id>/<subsection id>  (LMS: {args.lms})')
    server.serve_forever()


if __name__ == '__main__':
    main()
