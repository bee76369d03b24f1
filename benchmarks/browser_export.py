"""
The candidate page in Chromium: exporting the delivery file of a 40- and a 200-item exam (snapshot, ECDH, HKDF,
AES-GCM and the download, measured by the page's own ``od-export`` mark) and one local save in IndexedDB (the
``od-local-save`` mark). The floor of each is a WebCrypto AES-GCM encryption of the same number of bytes in the same
page.
"""
import os
import statistics
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

from benchmarks.common import candidates, exam_course, result, session_key, start_attempts

RUNS = int(os.environ.get('BENCH_BROWSER_RUNS', '5'))
PASSWORD = 'bench-invigilator-1'
FLOOR_JS = """async (size) => {
  // One encryption is below the browser's timer resolution: time 200 and divide.
  const key = await crypto.subtle.generateKey({name: 'AES-GCM', length: 256}, false, ['encrypt']);
  const data = new Uint8Array(size);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  await crypto.subtle.encrypt({name: 'AES-GCM', iv}, key, data);
  const t0 = performance.now();
  for (let run = 0; run < 200; run++) {
    await crypto.subtle.encrypt({name: 'AES-GCM', iv}, key, data);
  }
  return (performance.now() - t0) / 200;
}"""


#: What any local save must at least cost: one IndexedDB put of the same bytes, as durable as the page's own
#: ("strict": the browser has the disk flush it before the put completes), into a database of its own.
PUT_FLOOR_JS = """async (size) => {
  const open = indexedDB.open('bench-floor', 1);
  open.onupgradeneeded = () => open.result.createObjectStore('rows');
  const database = await new Promise((resolve, reject) => { open.onsuccess = () => resolve(open.result);
                                                            open.onerror = () => reject(open.error); });
  const row = {text: 'x'.repeat(size)};
  const put = () => new Promise((resolve, reject) => {
    const tx = database.transaction('rows', 'readwrite', {durability: 'strict'});
    tx.objectStore('rows').put(row, 1);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  await put();
  const times = [];
  for (let run = 0; run < 20; run++) {
    const t0 = performance.now();
    await put();
    times.push(performance.now() - t0);
  }
  database.close();
  times.sort((a, b) => a - b);
  return times[10];
}"""


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def browser_benchmarks():
    """``browser_export_40``, ``browser_export_200`` and ``browser_local_save``."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.wsgi import get_wsgi_application
    from playwright.sync_api import sync_playwright

    from offline_delivery_plugin import api

    # Playwright's sync API runs an event loop in this thread; the ORM calls between page steps are ours, one at a
    # time, so Django's guard against ORM calls from async code does not apply here.
    os.environ['DJANGO_ALLOW_ASYNC_UNSAFE'] = 'true'
    server = make_server('127.0.0.1', 0, StaticFilesHandler(get_wsgi_application()), handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f'http://127.0.0.1:{server.server_port}'
    staff = get_user_model().objects.get(username='course_staff')
    lines, saves, save_floors, put_floors = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'),
            args=['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
                  '--disable-sync', '--no-first-run'])
        for items in (40, 200):
            course, exam = exam_course(f'W{items}', items)
            api.change_invigilator_password(course.course_key, exam['content_id'], PASSWORD, staff)
            users = candidates(course, RUNS, f'browser{items}')
            exports, floors, sizes = [], [], []
            for user in users:
                start_attempts(exam, [user])
                context = browser.new_context(accept_downloads=True)
                context.add_cookies([{'name': 'sessionid', 'value': session_key(user), 'url': base}])
                page = context.new_page()
                # The exam's unit as the learning MFE frames it (render_xblock), here opened by itself.
                page.goto(f'{base}/xblock/{course.course_key.make_usage_key("vertical", "u")}')
                page.wait_for_selector('#offline-delivery[data-ready="true"]')
                for field in page.query_selector_all('main input[type=text]'):
                    field.fill('Svar med åäö, en mening lång som ett riktigt provsvar på en fråga.')
                page.wait_for_selector('#offline-delivery[data-pending="0"]', timeout=60000)
                measured = page.evaluate("performance.getEntriesByName('od-local-save')"
                                         ".map(m => [m.duration, m.detail.bytes])")
                saves.extend(duration for duration, _bytes in measured)
                save_floors.append(page.evaluate(FLOOR_JS, measured[-1][1]))
                put_floors.append(page.evaluate(PUT_FLOOR_JS, measured[-1][1]))
                page.click('.od-menu-button')
                page.click('text=Save delivery as file')
                page.fill('#od-password', PASSWORD)
                with page.expect_download() as info:
                    page.click('.od-dialog button[type=submit]')
                size = Path(info.value.path()).stat().st_size
                sizes.append(size)
                exports.append(dict(page.evaluate(
                    "performance.getEntriesByType('measure').map(m => [m.name, m.duration])"))['od-export'])
                floors.append(page.evaluate(FLOOR_JS, size))
                context.close()
            ours, floor = statistics.median(exports), statistics.median(floors)
            lines.append(result(f'browser_export_{items}', ours, 'ms', floor, ours, floor, runs=RUNS,
                                file_bytes=int(statistics.median(sizes)), export_ms_max=round(max(exports), 1)))
        browser.close()
    server.shutdown()
    ours, floor = statistics.median(saves), statistics.median(save_floors)
    lines.append(result('browser_local_save', ours, 'ms', floor, ours, floor, saves=len(saves),
                        p90_ms=round(sorted(saves)[int(0.9 * (len(saves) - 1))], 2),
                        strict_put_ms=round(statistics.median(put_floors), 2)))
    return lines
