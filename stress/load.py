"""
``make stress``, load with faults (issue 8, item 7): 1,000 simulated candidates save every 15 s for 10 minutes
against a real app server (gunicorn, 2 workers, as in ``make bench``) on MariaDB, while the run cuts the app
server's database connection, restarts the app server, and does both at once. Afterwards every candidate's last
acknowledged answers must be on the server.

Faults, at fractions of the run: the database cut for ``STRESS_CUT_SECONDS`` at 20 %; the app server restarted
(SIGTERM to gunicorn's master, a new one on the same port) at 50 %; the database cut again at 75 % and the app
server restarted during that cut. The users are read from the cache on every request, as in the LMS, and evicted
at each cut (as when their entries expire during an outage): the first request of each candidate then needs the
database for its user, and must be answered 503 like any save (``STRESS_EVICT_USERS=0`` keeps them).

The check, read from the database directly: when the load stops, before anything is sent again, the server holds
each candidate's acknowledged snapshot or a later one it made (an acknowledgement is never lost); then every
candidate sends its newest snapshot until acknowledged, and the server holds exactly that snapshot's answers and
sequence number. One JSON line reports the run; the exit status is non-zero when a candidate lost answers, a
request got a 5xx other than the database's 503, or any other refusal.

Environment: STRESS_CANDIDATES (1000), STRESS_SECONDS (600), STRESS_WORKERS (32 client threads),
STRESS_CUT_SECONDS (20, or a tenth of a shorter run), STRESS_EVICT_USERS (1). A quick local run:
STRESS_SECONDS=60 STRESS_CANDIDATES=200.
"""
import http.client
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from benchmarks.common import ROOT, candidates, exam_course, session_key, setup, start_attempts
from benchmarks.ingest import Candidate, _free_port
from stress.candidates import REQUEST_TIMEOUT_S, SAVE_EVERY_S, Schedule, SimulatedCandidate, Tally, work
from stress.proxy import DatabaseProxy

CANDIDATES = int(os.environ.get('STRESS_CANDIDATES', '1000'))
SECONDS = float(os.environ.get('STRESS_SECONDS', '600'))
WORKERS = int(os.environ.get('STRESS_WORKERS', '32'))
CUT_SECONDS = float(os.environ.get('STRESS_CUT_SECONDS', str(min(20.0, SECONDS / 10))))
EVICT_USERS = os.environ.get('STRESS_EVICT_USERS', '1') == '1'
ITEMS = 40
FINAL_SYNC_LIMIT_S = 300
PROGRESS_EVERY_S = 60
SERVER_START_LIMIT_S = 60


def say(started, message):
    """A progress line on stderr (stdout carries only the result line)."""
    print(f'[stress {time.monotonic() - started:6.1f} s] {message}', file=sys.stderr, flush=True)


class AppServer:
    """The app server under test: gunicorn with 2 workers on the load run's settings, its database through the
    proxy. Restarting it is what a deploy or a crashed host does to candidates in the middle of an exam."""

    def __init__(self, port, database_proxy_port):
        self.port = port
        self.restarts = 0
        self._env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'stress.settings', 'PYTHONPATH': str(ROOT),
                     'STRESS_DB_PROXY_PORT': str(database_proxy_port)}
        self._process = None

    def start(self):
        """Start gunicorn and wait until it accepts connections."""
        self._process = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), 'gunicorn'), 'sandbox.wsgi:application',
             '--workers', '2', '--bind', f'127.0.0.1:{self.port}', '--log-level', 'warning', '--backlog', '512',
             '--graceful-timeout', '10'], cwd=ROOT, env=self._env)
        deadline = time.monotonic() + SERVER_START_LIMIT_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f'gunicorn exited with status {self._process.returncode} while starting')
            try:
                with socket.create_connection(('127.0.0.1', self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f'gunicorn did not accept connections within {SERVER_START_LIMIT_S} s')

    def stop(self):
        """Stop gunicorn the way a deploy does (SIGTERM: requests in progress finish), killing it if it hangs."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def restart(self):
        """Stop and start again on the same port."""
        self.stop()
        self.start()
        self.restarts += 1


class Faults:
    """The run's faults on a timeline, injected from their own thread."""

    def __init__(self, proxy, server, users, run_started):
        self.proxy = proxy
        self.server = server
        self.users = users
        self.run_started = run_started
        self.load_started = None
        self.db_cuts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name='faults', daemon=True)

    def plan(self):
        """(seconds into the run, action) in order."""
        return sorted([
            (0.20 * SECONDS, self.cut_database),
            (0.20 * SECONDS + CUT_SECONDS, self.restore_database),
            (0.50 * SECONDS, self.restart_app_server),
            (0.75 * SECONDS, self.cut_database),
            (0.75 * SECONDS + CUT_SECONDS / 4, self.restart_app_server),
            (0.75 * SECONDS + CUT_SECONDS, self.restore_database),
        ], key=lambda step: step[0])

    def start(self, load_started):
        """Start the timeline; its times count from ``load_started``."""
        self.load_started = load_started
        self._thread.start()

    def stop(self):
        """End the timeline early (the run is ending) and leave the database reachable."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.proxy.restore()

    def _run(self):
        for at, action in self.plan():
            if self._stop.wait(timeout=max(0.0, self.load_started + at - time.monotonic())):
                return
            action()

    def cut_database(self):
        """Cut every database connection of the app server (and evict the cached users if asked)."""
        from django.core.cache import cache

        from sandbox.host.cached_auth import _cache_key

        self.proxy.cut()
        if EVICT_USERS:
            cache.delete_many([_cache_key(user.pk) for user in self.users])
        self.db_cuts += 1
        say(self.run_started, 'database cut' + (' and the cached users evicted' if EVICT_USERS else ''))

    def restore_database(self):
        """Let the app server reach the database again."""
        self.proxy.restore()
        say(self.run_started, 'database restored')

    def restart_app_server(self):
        """Restart gunicorn on the same port."""
        began = time.monotonic()
        self.server.restart()
        say(self.run_started, f'app server restarted ({time.monotonic() - began:.1f} s without one)')


def prepare(count):
    """The exam, ``count`` candidates with started attempts and logged-in sessions: (users, their pages)."""
    from offline_delivery_plugin import api

    course, exam = exam_course('Stress', ITEMS)
    users = candidates(course, count, 'stress')
    attempts = start_attempts(exam, users)
    items = list(api.start_candidate_session(users[0], attempts[0]['id']).items)
    return users, [Candidate(attempt, session_key(user), secrets.token_hex(16), items)
                   for user, attempt in zip(users, attempts)]


def open_pages(pages, port):
    """Every candidate's page starts, before any fault: a status other than 200 stops the run."""
    local = threading.local()

    def open_page(page):
        if not hasattr(local, 'connection'):
            local.connection = http.client.HTTPConnection('127.0.0.1', port, timeout=REQUEST_TIMEOUT_S)
        return page.open(local.connection)

    with ThreadPoolExecutor(WORKERS) as pool:
        statuses = list(pool.map(open_page, pages))
    refused = [status for status in statuses if status != 200]
    if refused:
        raise RuntimeError(f'{len(refused)} pages could not start their session: statuses {sorted(set(refused))}')


def run_phase(schedule, port, typing, tally, started):
    """Worker threads act on the schedule until it ends; a progress line every minute."""
    threads = [threading.Thread(target=work, args=(schedule, port, typing, tally), daemon=True)
               for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    next_progress = time.monotonic() + PROGRESS_EVERY_S
    while alive := [thread for thread in threads if thread.is_alive()]:
        alive[0].join(timeout=1)
        if time.monotonic() >= next_progress:
            next_progress += PROGRESS_EVERY_S
            say(started, f'{tally.events["saves_acked"]} saves acknowledged, {tally.events["retries"]} retried, '
                         f'responses {dict(tally.responses)}')


def held_on_server(pages):
    """What the server holds for each candidate, read from MariaDB directly: attempt id -> (seq, answers)."""
    from offline_delivery_plugin.models import AttemptRecord, ItemAnswer

    attempt_ids = [page.page.attempt_id for page in pages]
    seqs = dict(AttemptRecord.objects.filter(attempt_id__in=attempt_ids).values_list('attempt_id', 'last_save_seq'))
    answers = defaultdict(dict)
    for attempt_id, item_id, value in ItemAnswer.objects.filter(record__attempt_id__in=attempt_ids).values_list(
            'record__attempt_id', 'item_id', 'value'):
        answers[attempt_id][item_id] = value
    return {attempt_id: (seqs.get(attempt_id) or 0, answers[attempt_id]) for attempt_id in attempt_ids}


def acknowledged_not_held(pages):
    """Attempt ids whose acknowledged snapshot the server does not hold (an older one, or other answers than
    those of the snapshot its sequence number names)."""
    held = held_on_server(pages)
    return {page.page.attempt_id for page in pages
            if held[page.page.attempt_id][0] < page.acked_seq
            or held[page.page.attempt_id][1] != page.answers_at(held[page.page.attempt_id][0])}


def not_in_sync(pages):
    """Attempt ids where the server does not hold exactly the candidate's newest, acknowledged snapshot."""
    held = held_on_server(pages)
    return {page.page.attempt_id for page in pages
            if page.pending or held[page.page.attempt_id] != (page.acked_seq, page.acked_answers)}


def percentile(values, fraction):
    """The ``fraction`` percentile of ``values`` (0 when empty)."""
    ordered = sorted(values)
    return ordered[int(fraction * (len(ordered) - 1))] if ordered else 0.0


def load_with_faults(pages, server, faults, tally, started):
    """Start the pages, load with the faults, check, send what is left, check again: the run's figures."""
    open_pages(pages, server.port)
    say(started, f'{len(pages)} pages started their session; loading for {SECONDS:.0f} s with {WORKERS} threads')
    load_started = time.monotonic()
    spread = random.Random(8)  # first saves spread over one interval, the same in every run
    schedule = Schedule(until=load_started + SECONDS)
    for page in pages:
        page.next_change_at = load_started + spread.uniform(0, SAVE_EVERY_S)
        schedule.put(page.next_change_at, page)
    faults.start(load_started)
    run_phase(schedule, server.port, True, tally, started)
    faults.stop()
    lost_acknowledged = acknowledged_not_held(pages)

    sync_started = time.monotonic()
    final_sync = Schedule(until=sync_started + FINAL_SYNC_LIMIT_S)
    for page in pages:
        if page.pending:
            final_sync.put(sync_started, page)
    run_phase(final_sync, server.port, False, tally, started)
    sync_seconds = time.monotonic() - sync_started
    out_of_sync = not_in_sync(pages)
    return {
        'lost': len(lost_acknowledged | out_of_sync),
        'lost_acknowledged': len(lost_acknowledged), 'unsynced_after_final_sync': len(out_of_sync),
        'schedule_lag_p99_s': round(percentile(schedule.lags, 0.99), 2), 'final_sync_s': round(sync_seconds, 1),
    }


def main():
    """Set up, load with faults, check, print the result line; exit 1 when anything was lost or refused."""
    os.environ['DJANGO_SETTINGS_MODULE'] = 'stress.settings'
    started = time.monotonic()
    setup()
    from django.core.cache import cache

    cache.clear()  # the run's own Redis database: sessions and cached users of earlier runs go
    users, candidate_pages = prepare(CANDIDATES)
    pages = [SimulatedCandidate(page, first_change_at=0) for page in candidate_pages]
    setup_seconds = time.monotonic() - started
    say(started, f'{len(pages)} candidates with started attempts')

    proxy = DatabaseProxy()
    proxy.start()
    server = AppServer(_free_port(), proxy.port)
    faults = Faults(proxy, server, users, started)
    tally = Tally()
    try:
        server.start()
        figures = load_with_faults(pages, server, faults, tally, started)
    finally:
        faults.stop()
        server.stop()
        proxy.stop()

    line = {
        'stress': 'autosave_with_faults', 'candidates': len(pages), 'seconds': SECONDS,
        'saves_acked': tally.events['saves_acked'], 'retries': tally.events['retries'],
        'lost': figures.pop('lost'), 'db_cuts': faults.db_cuts, 'app_restarts': server.restarts,
        'responses': dict(sorted(tally.responses.items())),
        'http_500': tally.server_errors(), 'refused': tally.refusals(),
        'cut_seconds': CUT_SECONDS, 'db_connections_cut': proxy.connections_cut,
        'users_evicted_at_cuts': EVICT_USERS, **figures,
        'setup_s': round(setup_seconds, 1), 'wall_s': round(time.monotonic() - started, 1),
    }
    print(json.dumps(line), flush=True)
    failed = line['lost'] or line['http_500'] or line['refused']
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
