"""
Simulated candidate pages for the load run, and the schedule that worker threads take them from.

A simulated candidate saves the way ``candidate.js`` does: one request at a time, always the newest snapshot (it
holds every answer, so it covers any earlier one that failed), and a failed save (connection error, timeout, any
status but 200) keeps everything on the device and is tried again. The page tries again on its next autosave tick;
here a failure is retried after a jittered backoff capped at that interval, so that the run also measures the
surge of retries after a fault.
"""
import heapq
import http.client
import itertools
import json
import random
import threading
import time
from collections import Counter

SAVE_EVERY_S = 15
REQUEST_TIMEOUT_S = 20
FIRST_RETRY_S = 1


class Tally:
    """What the worker threads saw, counted under one lock: responses by status, acknowledged saves, retries."""

    def __init__(self):
        self._lock = threading.Lock()
        self.responses = Counter()  # '200', '503', ..., 'connection_error', 'timeout'
        self.events = Counter()  # saves_acked, retries, and the failures the run refuses (see ``refusals``)

    def response(self, kind):
        """Count one answer (a status code as text) or one request that got none."""
        with self._lock:
            self.responses[kind] += 1

    def event(self, name):
        """Count one event of the run."""
        with self._lock:
            self.events[name] += 1

    def server_errors(self):
        """Answers a candidate must never get: a 5xx other than the database's 503 (with its Retry-After)."""
        return sum(count for kind, count in self.responses.items() if kind.isdigit() and int(kind) >= 500
                   and kind != '503') + self.events['503_without_retry_after']

    def refusals(self):
        """Other answers the page would take for something worse than a passing fault (a 4xx closes or stalls
        the page), and acknowledgements of snapshots the candidate never sent."""
        return (sum(count for kind, count in self.responses.items() if kind.isdigit() and 300 <= int(kind) < 500)
                + self.events['acknowledged_unknown_snapshot'])


class SimulatedCandidate:
    """One candidate's page: an answer changed every 15 s, the newest snapshot sent until the server acknowledges
    it, and the last acknowledged snapshot remembered (sequence number and answers) for the check at the end."""

    def __init__(self, page, first_change_at):
        """``page``: a ``benchmarks.ingest.Candidate`` (session cookie, CSRF token and the snapshot chain)."""
        self.page = page
        self.url = f'/offline-delivery/api/v1/attempts/{page.attempt_id}/snapshots/'
        self.next_change_at = first_change_at
        self.acked_seq = 0
        self.acked_answers = {}
        self._unacked = {}  # seq -> answers, for every snapshot made since the last acknowledged one
        self._newest_body = None
        self._failures_in_a_row = 0

    def open(self, connection):
        """Start the page as ``candidate.js`` does, with its session (the user is in the cache from then on, as
        for a candidate who has the exam open); returns the status."""
        connection.request('GET', self.url.replace('/snapshots/', '/session/'), headers=self.page.headers)
        response = connection.getresponse()
        body = response.read()
        if response.status == 200 and json.loads(body)['acked_seq'] != self.acked_seq:
            raise RuntimeError(f'attempt {self.page.attempt_id} starts with answers it was never sent')
        return response.status

    @property
    def pending(self):
        """Whether the device holds a snapshot the server has not acknowledged."""
        return self.page.seq > self.acked_seq

    def answers_at(self, seq):
        """The answers of snapshot ``seq`` if it is the acknowledged one or a later one (None otherwise)."""
        return self.acked_answers if seq == self.acked_seq else self._unacked.get(seq)

    def act(self, connection, typing, tally):
        """
        Change an answer if one is due (while ``typing``), send the newest snapshot if it is not acknowledged,
        and say when to act next: the next change, or the retry after a failure; None when nothing is left to do.
        """
        if typing and time.monotonic() >= self.next_change_at:
            self._newest_body = self.page.next_body()
            self._unacked[self.page.seq] = dict(self.page.answers)
            while self.next_change_at <= time.monotonic():
                self.next_change_at += SAVE_EVERY_S
        if self.pending:
            if self._failures_in_a_row:
                tally.event('retries')
            if self._send(connection, tally):
                self._failures_in_a_row = 0
            else:
                self._failures_in_a_row += 1
        if self.pending:
            backoff = min(SAVE_EVERY_S, FIRST_RETRY_S * 2 ** (self._failures_in_a_row - 1))
            retry_at = time.monotonic() + backoff * random.uniform(0.5, 1.0)
            return min(retry_at, self.next_change_at) if typing else retry_at
        return self.next_change_at if typing else None

    def _send(self, connection, tally):
        """POST the newest snapshot; True when the server acknowledged it."""
        try:
            connection.request('POST', self.url, body=self._newest_body, headers=self.page.headers)
            response = connection.getresponse()
            body = response.read()
        except TimeoutError:
            connection.close()
            tally.response('timeout')
            return False
        except (OSError, http.client.HTTPException):
            connection.close()  # the next request opens a new connection
            tally.response('connection_error')
            return False
        tally.response(str(response.status))
        if response.status == 503 and not response.getheader('Retry-After'):
            tally.event('503_without_retry_after')
        if response.status != 200:
            return False
        return self._acknowledge(json.loads(body)['acked_seq'], tally)

    def _acknowledge(self, acked_seq, tally):
        """Take the server's word for the newest snapshot it holds, as the page moves its anchor."""
        if acked_seq not in self._unacked:
            tally.event('acknowledged_unknown_snapshot')  # older than the last acknowledged one, or never made
            return False
        self.acked_seq, self.acked_answers = acked_seq, self._unacked[acked_seq]
        self._unacked = {seq: answers for seq, answers in self._unacked.items() if seq > acked_seq}
        tally.event('saves_acked')
        return not self.pending


class Schedule:
    """
    The candidates ordered by when they act next. Worker threads take each one when it falls due and put it back
    with its next time, so a candidate never has two requests in flight. A phase ends at ``until``, or earlier
    when no candidate has anything left to do.
    """

    def __init__(self, until):
        self.until = until
        self.lags = []  # how late each candidate was taken: whether the load generator kept up
        self._heap = []
        self._order = itertools.count()  # ties never compare candidates
        self._in_flight = 0
        self._condition = threading.Condition()

    def put(self, due, candidate):
        """Schedule ``candidate`` at ``due`` (a ``time.monotonic()`` value)."""
        with self._condition:
            heapq.heappush(self._heap, (due, next(self._order), candidate))
            self._condition.notify()

    def take(self):
        """The next candidate due, once it is; None when the phase is over."""
        with self._condition:
            while True:
                now = time.monotonic()
                if now >= self.until or (not self._heap and not self._in_flight):
                    self._condition.notify_all()
                    return None
                if self._heap and self._heap[0][0] <= now:
                    due, _order, candidate = heapq.heappop(self._heap)
                    self.lags.append(now - due)
                    self._in_flight += 1
                    return candidate
                wait = self._heap[0][0] - now if self._heap else self.until - now
                self._condition.wait(timeout=min(wait, 1.0))

    def done(self, candidate, due):
        """``candidate`` has acted: schedule it at ``due``, or drop it when ``due`` is None."""
        with self._condition:
            self._in_flight -= 1
            if due is not None:
                heapq.heappush(self._heap, (due, next(self._order), candidate))
            self._condition.notify_all()


def work(schedule, port, typing, tally):
    """One worker thread: its own HTTP connection, taking due candidates until the phase ends."""
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=REQUEST_TIMEOUT_S)
    while (candidate := schedule.take()) is not None:
        due = None
        try:
            due = candidate.act(connection, typing, tally)
        finally:
            schedule.done(candidate, due)
    connection.close()
