"""
The proctored results report: the columns of the Open edX guide, what the LMS's report adds, and the offline
delivery of each attempt; written in the background (Celery) into Django storage, streamed in chunks so memory stays
flat however many attempts a course has.
"""
import csv
import logging
import tempfile
from collections import defaultdict

from django.core import signing
from django.core.files import File
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from offline_delivery_plugin import compat, proctoring
from offline_delivery_plugin.attempts import attempt_deadline
from offline_delivery_plugin.data import ReportData
from offline_delivery_plugin.deliveries import newest_deliveries
from offline_delivery_plugin.exceptions import ReportNotAvailable
from offline_delivery_plugin.models import AttemptRecord, DeliveryFile, Reopening, ResultsReport
from offline_delivery_plugin.spreadsheets import safe_row
from offline_delivery_plugin.storage import plugin_storage

__all__ = [
    'COLUMNS',
    'LINK_SECONDS',
    'generate_results_report',
    'list_results_reports',
    'make_download_token',
    'open_report_download',
    'request_results_report',
]

log = logging.getLogger(__name__)

#: The report's columns: the guide's, then the LMS report's, then offline delivery's. No answers, no passwords.
#: ``status`` stays edx-proctoring's, so a reopened attempt reads ``error`` as it does in edx-proctoring (ADR
#: 0007); ``counts`` and the reopening columns after it tell what happened: each row says whether its attempt is
#: the one that counts, and a reopened one by whom, when, why and with how many extra minutes it was reopened and
#: which attempt continues it (docs/course-team.rst).
COLUMNS = (
    'user_email', 'exam_name', 'attempt_code', 'allowed_time_limit_mins', 'is_sample_attempt', 'started_at',
    'completed_at', 'status',
    'username', 'track', 'review_status', 'suspicious_count', 'suspicious_comments', 'rules_violation_count',
    'rules_violation_comments',
    'delivery_channel', 'receipt_code', 'uploaded_by', 'uploaded_at', 'reopen_count', 'extra_minutes',
    'minutes_offline',
    'counts', 'continues', 'reopened_by', 'reopened_at', 'reopen_reason', 'continued_in',
)
CHUNK = 2000
#: How long a download link (and the page that shows it) stays good.
LINK_SECONDS = 5 * 60
SIGNING_SALT = 'offline_delivery_plugin.results_report'
CHANNELS = {DeliveryFile.CHANNEL_STAFF: 'file', DeliveryFile.CHANNEL_SELF: 'self-delivered'}



def _file_safe(course_key):
    """The course id made file-safe the way the LMS names its reports (org_course_run)."""
    return f'{course_key.org}_{course_key.course}_{course_key.run}'


def report_file_name(course_key, when):
    """``{course_id}_proctored_exam_results_report_{datetime}.csv``, the course id made file-safe."""
    return f'{_file_safe(course_key)}_proctored_exam_results_report_{when:%Y-%m-%d-%H%M%S}.csv'


def request_results_report(course_key, requested_by):
    """
    A pending report of the course, as ``ReportData``: ``api.request_results_report`` queues its writing
    (``generate_results_report``) for after the commit.
    """
    report = ResultsReport.objects.create(course_id=course_key, requested_by=requested_by)
    return _data(report)


def list_results_reports(course_key):
    """The course's reports, newest first (pending and running ones are the Pending Tasks)."""
    return [_data(report) for report in ResultsReport.objects.filter(course_id=course_key).order_by('-created',
                                                                                                  '-id')[:100]]


def _data(report):
    return ReportData(report_id=report.id, status=report.status, created=report.created,
                      finished_at=report.finished_at, total=report.total, done=report.done,
                      file_name=report.file_name, error=report.error)


def effective_status(attempt, now):
    """The attempt's status as it truly is: a running attempt past its deadline is timed out."""
    if proctoring.is_in_progress(attempt['status']) and attempt['started_at'] is not None and now > attempt_deadline(
            attempt['started_at'], attempt['allowed_time_limit_mins']):
        return 'timed_out'
    return attempt['status']


def generate_results_report(report_id, now=None):
    """
    Write the report: attempts are read in chunks of ``CHUNK`` with a fixed number of queries per chunk, rows go to
    a temporary file, and the file goes to Django storage. Safe to run again (a finished report is left alone).
    """
    report = ResultsReport.objects.get(id=report_id)
    if report.status == ResultsReport.DONE:
        return
    now = now or timezone.now()
    course_key = report.course_id
    attempts = proctoring.Attempt.objects.filter(proctored_exam__course_id=str(course_key))
    report.status, report.total, report.done = ResultsReport.RUNNING, attempts.count(), 0
    report.save(update_fields=['status', 'total', 'done'])
    tracks = {candidate.user_id: candidate.mode for candidate in compat.list_enrolled_candidates(course_key)}
    try:
        with tempfile.TemporaryFile(mode='w+', encoding='utf-8', newline='') as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            rows = attempts.order_by('id').values(
                'id', 'attempt_code', 'allowed_time_limit_mins', 'is_sample_attempt', 'started_at', 'completed_at',
                'status', 'user_id', 'user__username', 'user__email', 'proctored_exam__exam_name',
            ).iterator(chunk_size=CHUNK)
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    _write_chunk(writer, chunk, tracks, now, report)
                    chunk = []
            if chunk:
                _write_chunk(writer, chunk, tracks, now, report)
            handle.seek(0)
            report.file_name = report_file_name(course_key, now)
            report.storage_name = plugin_storage().save(
                f'offline_delivery/reports/{_file_safe(course_key)}/{report.file_name}',
                File(handle))
    except Exception as error:
        report.status, report.error, report.finished_at = ResultsReport.FAILED, type(error).__name__, timezone.now()
        report.save(update_fields=['status', 'error', 'finished_at'])
        log.exception('Results report %s of %s failed', report_id, course_key)
        raise
    report.status, report.finished_at = ResultsReport.DONE, timezone.now()
    report.save(update_fields=['status', 'finished_at', 'file_name', 'storage_name'])


def _write_chunk(writer, chunk, tracks, now, report):
    ids = [row['id'] for row in chunk]
    codes = [row['attempt_code'] for row in chunk]
    reviews = dict(proctoring.Review.objects.filter(attempt_code__in=codes).values_list(
        'attempt_code', 'review_status'))
    comments = defaultdict(lambda: defaultdict(list))
    for code, status, text in proctoring.ReviewComment.objects.filter(
            review__attempt_code__in=codes).order_by('id').values_list('review__attempt_code', 'status', 'comment'):
        comments[code][status.lower()].append(text)
    records = AttemptRecord.objects.filter(attempt_id__in=ids)
    # The attempt a continuation continues, by its code (the report names attempts by code), in the same query.
    contacts = {record['attempt_id']: record for record in records.values(
        'attempt_id', 'last_contact_at', continues=_attempt_code('continues_attempt_id'))}
    deliveries = newest_deliveries(records, 'channel', 'receipt', 'delivered_by__username', 'delivered_at')
    reopenings = _reopenings(ids)
    for row in chunk:
        status = effective_status(row, now)
        delivery = deliveries.get(row['id'])
        review = comments[row['attempt_code']]
        reopening = reopenings.get(row['id'], NOT_REOPENED)
        contact = contacts.get(row['id'], {})
        writer.writerow(safe_row((
            row['user__email'], row['proctored_exam__exam_name'], row['attempt_code'],
            row['allowed_time_limit_mins'], row['is_sample_attempt'], _iso(row['started_at']),
            _iso(row['completed_at']), status,
            row['user__username'], tracks.get(row['user_id'], ''), reviews.get(row['attempt_code'], ''),
            len(review['suspicious']), '; '.join(review['suspicious']),
            len(review['rules violation']), '; '.join(review['rules violation']),
            _channel(status, delivery), delivery['receipt'] if delivery else '',
            (delivery['delivered_by__username'] or '') if delivery else '',
            _iso(delivery['delivered_at']) if delivery else '',
            reopening['count'], reopening['minutes'], _minutes_offline(delivery, contact.get('last_contact_at')),
            # Reopened and continued: the continuation counts instead (it carries this attempt's answers on).
            'no' if reopening['continued_in'] is not None else 'yes',
            contact.get('continues') or '', reopening['reopened_by__username'] or '', _iso(reopening['created']),
            reopening['reason'], reopening['continued_in'] or '',
        )))
    report.done += len(chunk)
    ResultsReport.objects.filter(id=report.id).update(done=report.done)


def _attempt_code(id_field):
    """The code of the attempt whose id is in ``id_field`` of the rows read, as a subquery of their query."""
    return Subquery(proctoring.Attempt.objects.filter(id=OuterRef(id_field)).values('attempt_code')[:1])


#: The reopening columns of an attempt that was never reopened.
NOT_REOPENED = {'count': 0, 'minutes': 0, 'reopened_by__username': None, 'created': None, 'reason': '',
                'continued_in': None}


def _reopenings(ids):
    """
    ``{attempt_id: reopening}`` of the attempts ``ids`` that were reopened, in one query: how often and with how
    many extra minutes in all, and the newest reopening's who, when and why, with the code of the attempt that
    continues it (None while the candidate has not started again; '' for an attempt without a code).
    """
    reopenings = {}
    for reopening in Reopening.objects.filter(attempt_id__in=ids).order_by('id').values(
            'attempt_id', 'extra_minutes', 'reason', 'created', 'reopened_by__username', 'successor_attempt_id',
            continued_in=_attempt_code('successor_attempt_id')):
        earlier = reopenings.get(reopening['attempt_id'])
        reopening['count'] = (earlier['count'] if earlier else 0) + 1
        reopening['minutes'] = (earlier['minutes'] if earlier else 0) + reopening['extra_minutes']
        if reopening['successor_attempt_id'] is not None and reopening['continued_in'] is None:
            reopening['continued_in'] = ''  # continued, by an attempt without a code (or since removed)
        if reopening['continued_in'] is None and earlier:
            reopening['continued_in'] = earlier['continued_in']
        reopenings[reopening['attempt_id']] = reopening
    return reopenings


def _iso(value):
    return value.isoformat() if value else ''


def _channel(status, delivery):
    if delivery is not None:
        return CHANNELS.get(delivery['channel'], delivery['channel'])
    return '' if proctoring.is_pre_started(status) or proctoring.is_in_progress(status) else 'online'


def _minutes_offline(delivery, last_contact):
    """Minutes from the candidate's last contact with the server to the file's delivery (0 when online)."""
    if delivery is None or last_contact is None or delivery['delivered_at'] < last_contact:
        return 0
    return int((delivery['delivered_at'] - last_contact).total_seconds() // 60)


def make_download_token(report_id, user_id):
    """A link token for one report and one user, good for ``LINK_SECONDS``."""
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(f'{report_id}:{user_id}')


def open_report_download(course_key, token, user):
    """
    The finished report a link names, opened from storage, with its file name.

    Raises:
        ReportNotAvailable: the link is expired or altered, made for another user or course, or the report is not
            finished.
    """
    try:
        value = signing.TimestampSigner(salt=SIGNING_SALT).unsign(token, max_age=LINK_SECONDS)
    except signing.SignatureExpired as error:
        raise ReportNotAvailable(_('This download link has expired (links last 5 minutes). Reload the page for a '
                                   'new one.')) from error
    except signing.BadSignature as error:
        raise ReportNotAvailable(_('This download link is not valid.')) from error
    report_id, user_id = (int(part) for part in value.split(':'))
    report = ResultsReport.objects.filter(id=report_id, course_id=course_key, status=ResultsReport.DONE).first()
    if report is None or user_id != user.id:
        raise ReportNotAvailable(_('This download link is not valid.'))
    try:
        return plugin_storage().open(report.storage_name, 'rb'), report.file_name
    except OSError as error:  # removed from storage since (retention, a clean-up): generate it again
        raise ReportNotAvailable(_('This report is no longer kept. Generate a new one.')) from error
