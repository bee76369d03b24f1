"""
``autosave_ingest``: a real app server (gunicorn, 2 workers) on MariaDB, simulated candidates posting snapshots of a
40-item exam as fast as the server takes them, through the same URL, session authentication and CSRF check as the
candidate page. The floor is a bare view in the same server doing one insert of a payload of the same size.

``candidates_per_host``: the highest throughput measured with p99 under 100 ms, times 15 s (each candidate saves
every 15 s). The load generator runs on the same 2 cores as the server, so these figures are a lower bound.
"""
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time

from benchmarks.common import ROOT, answer_field, candidates, exam_course, result, session_key, start_attempts

ITEMS = 40
CANDIDATES = int(os.environ.get('BENCH_INGEST_CANDIDATES', '240'))
SECONDS = float(os.environ.get('BENCH_INGEST_SECONDS', '8'))
LEVELS = [int(n) for n in os.environ.get('BENCH_INGEST_LEVELS', '1,2,4,8,16').split(',')]
P99_TARGET_MS = 100
SAVE_EVERY_S = 15


class Candidate:
    """One simulated candidate page: its session, its attempt and its chain of snapshots."""

    def __init__(self, attempt, session_key, csrf, items):
        # pylint: disable=import-outside-toplevel
        from offline_delivery_plugin.chain import genesis_hash

        self.attempt_id = attempt['id']
        self.prev = genesis_hash(attempt['attempt_code'])
        self.seq = 0
        self.headers = {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Referer': 'http://127.0.0.1/',
                        'Cookie': f'sessionid={session_key}; csrftoken={csrf}'}
        text = 'Ett svar på ungefär en mening, som ett riktigt provsvar. ' * 2
        self.answers = dict.fromkeys(map(answer_field, items), text)
        self.items = items

    def next_body(self):
        """The next snapshot: one item changed, the chain extended."""
        # pylint: disable=import-outside-toplevel
        from offline_delivery_plugin.chain import link_json
        from offline_delivery_plugin.crypto.envelope import sha256_hex

        self.seq += 1
        item = self.items[self.seq % len(self.items)]
        self.answers[answer_field(item)] = f'{self.seq} ' + self.answers[answer_field(item)][:150]
        answers_json = json.dumps(self.answers, separators=(',', ':'), ensure_ascii=False)
        link = link_json(self.seq, self.prev, int(time.time() * 1000), answers_json, [answer_field(item)])
        self.prev = sha256_hex(link)
        return json.dumps({'link': link, 'answers_json': answers_json}).encode()


def _prepare():
    # pylint: disable=import-outside-toplevel
    from django.db import connection

    from offline_delivery_plugin import api

    course, exam = exam_course('I40', ITEMS)
    users = candidates(course, CANDIDATES, 'ingest')
    attempts = start_attempts(exam, users)
    items = list(api.start_candidate_session(users[0], attempts[0]['id']).items)
    pages = []
    for user, attempt in zip(users, attempts):
        pages.append(Candidate(attempt, session_key(user), secrets.token_hex(16), items))
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS bench_floor')
        cursor.execute('CREATE TABLE bench_floor (id BIGINT AUTO_INCREMENT PRIMARY KEY, payload LONGTEXT) '
                       'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4')
    return pages


def _free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def _start_server(port):
    env = {**os.environ, 'DJANGO_SETTINGS_MODULE': 'benchmarks.settings', 'PYTHONPATH': str(ROOT)}
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), 'gunicorn'), 'sandbox.wsgi:application', '--workers', '2',
         '--bind', f'127.0.0.1:{port}', '--log-level', 'warning', '--backlog', '256'], cwd=ROOT, env=env)
    for _ in range(200):
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError('gunicorn did not start')


def _load(port, pages, concurrency, seconds, floor):
    """``concurrency`` clients, each with its own candidates and connection, posting back to back."""
    latencies, failures = [], []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(mine):
        connection = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
        local, errors, turn = [], 0, 0
        while time.monotonic() < stop:
            page = mine[turn % len(mine)]
            turn += 1
            body = page.next_body()
            url = '/bench/floor/' if floor else f'/offline-delivery/api/v1/attempts/{page.attempt_id}/snapshots/'
            started = time.perf_counter()
            connection.request('POST', url, body=body, headers=page.headers)
            response = connection.getresponse()
            response.read()
            local.append(time.perf_counter() - started)
            if response.status >= 300:
                errors += 1
        connection.close()
        with lock:
            latencies.extend(local)
            failures.append(errors)

    share = [pages[n::concurrency] for n in range(concurrency)]
    threads = [threading.Thread(target=client, args=(mine,)) for mine in share]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        'rps': len(latencies) / elapsed, 'p50_ms': 1000 * statistics.median(latencies),
        'p99_ms': 1000 * latencies[int(0.99 * (len(latencies) - 1))], 'requests': len(latencies),
        'errors': sum(failures),
    }


def autosave_ingest():
    """Throughput, p50 and p99 of snapshot saves against the floor; then ``candidates_per_host``."""
    pages = _prepare()
    port = _free_port()
    server = _start_server(port)
    try:
        _load(port, pages, 4, 2, floor=False)  # warm both workers
        levels = {level: _load(port, pages, level, SECONDS, floor=False) for level in LEVELS}
        floors = {level: _load(port, pages, level, SECONDS, floor=True) for level in LEVELS}
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = sum(level['errors'] for level in levels.values())
    assert errors == 0, f'{errors} snapshot saves were refused'
    best = max(levels, key=lambda level: levels[level]['rps'])
    ours, floor = levels[best], floors[best]
    main = result('autosave_ingest', ours['rps'], 'saves/s', floor['rps'], 1 / ours['rps'], 1 / floor['rps'],
                  concurrency=best, p50_ms=round(ours['p50_ms'], 1), p99_ms=round(ours['p99_ms'], 1),
                  floor_p50_ms=round(floor['p50_ms'], 1), floor_p99_ms=round(floor['p99_ms'], 1),
                  payload_bytes=len(pages[0].next_body()), items=ITEMS,
                  levels={level: {k: round(v, 1) for k, v in data.items()} for level, data in levels.items()})
    within = [level for level in LEVELS if levels[level]['p99_ms'] < P99_TARGET_MS]
    floor_within = [level for level in LEVELS if floors[level]['p99_ms'] < P99_TARGET_MS]
    sustained = max((levels[level]['rps'] for level in within), default=0)
    floor_sustained = max((floors[level]['rps'] for level in floor_within), default=0)
    per_host = result('candidates_per_host', sustained * SAVE_EVERY_S, 'candidates', floor_sustained * SAVE_EVERY_S,
                      1 / sustained if sustained else float('inf'), 1 / floor_sustained if floor_sustained else 1,
                      p99_target_ms=P99_TARGET_MS, save_every_s=SAVE_EVERY_S)
    return [main, per_host]
