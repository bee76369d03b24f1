"""
Measure, in Chromium, the delivery-file export of a 40-item exam: file size, export time (snapshot + encryption)
and the offline password check, with the page's own performance marks.

Run: ``.venv/bin/python -m benchmarks.browser_export`` (uses a throwaway SQLite database and the sandbox).
Prints one JSON line. A first measurement for the offline-delivery issue's note; ``make bench`` will grow from it.
"""
import json
import os
import statistics
import sys
import tempfile
import threading
from io import StringIO
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix='od-bench-'))
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sandbox.settings.test')
os.environ['DATABASE_URL'] = f'sqlite:///{WORK}/bench.sqlite3'
os.environ['DJANGO_ALLOW_ASYNC_UNSAFE'] = 'true'
ITEMS = int(os.environ.get('BENCH_ITEMS', '40'))
RUNS = int(os.environ.get('BENCH_RUNS', '5'))


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def main():
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    # pylint: disable=import-outside-toplevel
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from sandbox.host.demo import COURSE_ID, DEMO_PASSWORD, INVIGILATOR_PASSWORD
    from sandbox.host.models import Block, Course
    from sandbox.host.studio import publish_course

    call_command('migrate', verbosity=0)
    call_command('seed_demo', verbosity=0, stdout=StringIO())
    course = Course.objects.get(course_key=COURSE_ID)
    final = Block.objects.get(course=course, usage_key=course.course_key.make_usage_key('sequential', 'final_exam'))
    unit = final.children.order_by('position').last()
    existing = Block.objects.filter(parent__parent=final).count()
    for number in range(existing, ITEMS):
        Block.objects.create(course=course, parent=unit, position=100 + number, block_type='exam_essay',
                             usage_key=course.course_key.make_usage_key('exam_essay', f'bench_{number}'),
                             fields={'display_name': f'Extra {number}', 'prompt': f'Extra question {number}'})
    publish_course(course, course.courseaccessrole_set.first().user)

    server = make_server('127.0.0.1', 0, StaticFilesHandler(get_wsgi_application()), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{server.server_port}'
    text = 'Svar med åäö och lite längre text för att likna ett riktigt provsvar. ' * 4

    exports, checks, sizes = [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'),
                                             args=['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                                                   '--disable-component-update', '--disable-sync', '--no-first-run'])
        for run in range(RUNS):
            username = 'verified_learner' if run % 2 == 0 else 'verified_learner2'
            _reset_attempts()
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.goto(f'{base}/login/')
            page.fill('#id_username', username)
            page.fill('#id_password', DEMO_PASSWORD)
            page.click('button[type=submit]')
            page.goto(f'{base}/courses/{COURSE_ID}/subsection/{final.usage_key}/')
            page.click('#start-exam')
            page.wait_for_selector('#offline-delivery[data-ready="true"]')
            for field in page.query_selector_all('#exam-units input[type=text], #exam-units textarea'):
                field.fill(text[: 40 if field.evaluate('e => e.tagName') == 'INPUT' else len(text)])
            page.click('.od-menu-button')
            page.click('text=Save delivery as file')
            page.fill('#od-password', INVIGILATOR_PASSWORD)
            with page.expect_download() as info:
                page.click('.od-dialog button[type=submit]')
            sizes.append(Path(info.value.path()).stat().st_size)
            measures = page.evaluate("performance.getEntriesByType('measure').map(m => [m.name, m.duration])")
            timings = dict(measures)
            exports.append(timings['od-export'])
            checks.append(timings['od-password-check'])
            context.close()
        browser.close()
    server.shutdown()
    print(json.dumps({
        'bench': f'browser_export_{ITEMS}', 'items': ITEMS, 'runs': RUNS, 'file_bytes': statistics.median(sizes),
        'export_ms_median': round(statistics.median(exports), 1), 'export_ms_max': round(max(exports), 1),
        'password_check_ms_median': round(statistics.median(checks), 1),
        'machine': f'{os.cpu_count()} cores, {os.uname().machine}, Chromium at /usr/bin/chromium',
    }))


def _reset_attempts():
    # pylint: disable=import-outside-toplevel
    from edx_proctoring.models import ProctoredExamStudentAttempt

    ProctoredExamStudentAttempt.objects.all().delete()


if __name__ == '__main__':
    main()
