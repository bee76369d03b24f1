"""
Bulk upload (flow C with a whole USB stick): many delivery files, or one zip of them, checked before anything is
unpacked, then delivered one by one by a Celery task, each file finding its own candidate from its binding.

A stick can hold hundreds of megabytes: the parts are read from their (temporary) files and the batch is written to
a temporary file in chunks, so memory holds one chunk, or one delivery file, at a time, never the whole batch.
"""
import contextlib
import io
import lzma
import posixpath
import shutil
import tempfile
import zipfile
import zlib

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.audit import CHANNEL_BULK, record_audit_event
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.data import BulkUploadStatus
from offline_delivery_plugin.exams import get_active_exam
from offline_delivery_plugin.exceptions import BulkUploadRefused, DeliveryRefused
from offline_delivery_plugin.models import AuditEvent, BulkUpload
from offline_delivery_plugin.monitor import upload_delivery_file
from offline_delivery_plugin.storage import plugin_storage

__all__ = [
    'get_bulk_upload',
    'process_bulk_upload',
    'start_bulk_upload',
]

ZIP_MAGIC = b'PK\x03\x04'
MAX_RATIO = 20  # delivery files are base64 JSON: they compress a few times, never a hundred
#: What reading a damaged or unusual zip raises (bad directory, CRC or headers, a broken stream, a password).
UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError,
                     RuntimeError, ValueError)
#: How much of a file is read at once while a batch is copied.
CHUNK_BYTES = 1024 * 1024



def _safe_name(name):
    """A file name for the result lines: no directories, no traversal, printable."""
    normal = posixpath.normpath(name.replace('\\', '/'))
    if normal.startswith(('/', '../')) or normal == '..' or ':' in normal.split('/')[0]:
        raise BulkUploadRefused(_('The zip holds a file outside its own folder ({name}): nothing was unpacked.').format(
            name=name[:100]))
    return posixpath.basename(normal)[:255]


def _opened(data):
    """A part as a binary file at its start and its size: bytes are wrapped, a (seekable) file is used as it is."""
    handle = io.BytesIO(data) if isinstance(data, (bytes, bytearray, memoryview)) else data
    size = handle.seek(0, io.SEEK_END)
    handle.seek(0)
    return handle, size


def _check_zip(handle, size):
    """Check a zip's directory before reading any member; return the archive and its files' members."""
    limit, max_files = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES, settings.OFFLINE_DELIVERY_BULK_MAX_FILES
    try:
        archive = zipfile.ZipFile(handle)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except UNREADABLE_ZIP as error:
        raise BulkUploadRefused(_('The zip file cannot be read: nothing was unpacked.')) from error
    if len(members) > max_files:
        raise BulkUploadRefused(_('The zip holds {count} files; at most {max} are accepted at once.').format(
            count=len(members), max=max_files))
    for info in members:
        _safe_name(info.filename)
        if info.file_size > limit or info.file_size > MAX_RATIO * max(info.compress_size, 1) + 4096:
            raise BulkUploadRefused(_('The zip holds an oversized or suspiciously compressed file ({name}): '
                                      'nothing was unpacked.').format(name=info.filename[:100]))
    # Entries that share or overlap their compressed data (a zip bomb that lists one small stream a thousand times)
    # each pass the ratio check; together they claim more compressed bytes than the archive holds.
    if sum(info.compress_size for info in archive.infolist()) > size:
        raise BulkUploadRefused(_('The zip lists more compressed data than it holds (its files overlap, as in a '
                                  'zip bomb): nothing was unpacked.'))
    return archive, members


def _checked_parts(parts):
    """
    Check every part before anything is unpacked: the batch's total size, each zip's directory, the number of
    files. Returns ``[(name, handle, archive or None, members)]``.
    """
    max_files, max_bytes = settings.OFFLINE_DELIVERY_BULK_MAX_FILES, settings.OFFLINE_DELIVERY_BULK_MAX_BYTES
    opened = [(name, *_opened(data)) for name, data in parts]
    total = sum(size for _name, _handle, size in opened)
    if total > max_bytes:
        raise BulkUploadRefused(_('The upload holds {size} bytes; at most {max} bytes are accepted at once. Upload '
                                  'the files in smaller groups.').format(size=total, max=max_bytes))
    checked, count = [], 0
    for name, handle, size in opened:
        is_zip = handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC
        handle.seek(0)
        if is_zip:
            archive, members = _check_zip(handle, size)
            checked.append((name, handle, archive, members))
            count += len(members)
        else:
            checked.append((_safe_name(name), handle, None, [None]))
            count += 1
        if count > max_files:
            raise BulkUploadRefused(_('At most {max} files are accepted at once.').format(max=max_files))
    return checked


def _member_chunks(archive, info):
    """A zip member's bytes, chunk by chunk, bounded whatever the directory claims; refuses a zip inside."""
    limit, read = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES, 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK_BYTES):
                if not read and chunk[:len(ZIP_MAGIC)] == ZIP_MAGIC:
                    # never unpacked: a zip in a zip is how a bomb hides its depth
                    raise BulkUploadRefused(_('The zip holds another zip ({name}): upload its files, or that zip '
                                              'alone. Nothing was unpacked.').format(name=info.filename[:100]))
                read += len(chunk)
                if read > limit:
                    raise BulkUploadRefused(_('The zip holds an oversized file: nothing was unpacked.'))
                yield chunk
    except UNREADABLE_ZIP as error:  # damaged, encrypted, or compressed in a way zipfile cannot read
        raise BulkUploadRefused(_('The zip file cannot be read: nothing was unpacked.')) from error


def _write_batch(parts, batch):
    """
    Copy the delivery files of ``parts`` (files, or zips of files) into the ``batch`` zip, one chunk at a time, as
    ``NNNNN/name`` in upload order. Returns how many files it holds. Raises BulkUploadRefused.
    """
    index = 0
    for name, handle, archive, members in _checked_parts(parts):
        for info in members:
            entry = f'{index:05d}/{name if archive is None else _safe_name(info.filename)}'
            with batch.open(entry, 'w', force_zip64=True) as target:
                if archive is None:
                    shutil.copyfileobj(handle, target, CHUNK_BYTES)
                else:
                    for chunk in _member_chunks(archive, info):
                        target.write(chunk)
            index += 1
    return index


def start_bulk_upload(parts, course_key, content_id, uploaded_by, ip_address=None):
    """
    Check a batch and store it (``api.start_bulk_upload`` then queues its delivery). ``parts`` is
    ``[(file name, bytes or a seekable binary file)]`` (an uploaded file, as Django hands it over): delivery files,
    zips of them, or both. Together they may hold at most ``OFFLINE_DELIVERY_BULK_MAX_BYTES``.

    The batch is written to a temporary file, and from there to the plugin's storage, in chunks.

    Returns the batch id; the work is done by ``process_bulk_upload`` in a task (at once where Celery is eager).

    Raises:
        ExamNotFound, BulkUploadRefused (nothing stored).
    """
    get_active_exam(course_key, content_id)
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        with zipfile.ZipFile(spool, 'w', zipfile.ZIP_STORED) as batch:
            total = _write_batch(parts, batch)
        if not total:
            raise BulkUploadRefused(_('Choose the delivery files (or a zip of them) to upload.'))
        upload = BulkUpload.objects.create(course_id=course_key, content_id=content_id, uploaded_by=uploaded_by,
                                           ip_address=ip_address, storage_name='', total=total)
        upload.storage_name = plugin_storage().save(f'offline_delivery/bulk/{upload.id}.zip', File(spool))
    upload.save(update_fields=['storage_name'])
    return upload.id


@contextlib.contextmanager
def _seekable(handle):
    """``handle`` when it can seek (a zip is read from its end), else a temporary copy of it, made in chunks."""
    if handle.seekable():
        yield handle
        return
    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as copy:
        shutil.copyfileobj(handle, copy, CHUNK_BYTES)
        copy.seek(0)
        yield copy


def process_bulk_upload(upload_id):
    """
    Deliver each file of a batch to its own candidate (found from the attempt code in its authenticated header);
    one result line per file. A file seen twice in the batch is reported as a duplicate and delivered once.
    Safe to run again: files already delivered answer ``already delivered``.

    The stored batch is read where it is (or from a temporary copy when the storage cannot seek), one delivery
    file at a time.
    """
    upload = BulkUpload.objects.get(id=upload_id)
    upload.status, upload.done, upload.results = BulkUpload.RUNNING, 0, []
    upload.save(update_fields=['status', 'done', 'results'])
    exam = get_active_exam(upload.course_id, upload.content_id)
    limit = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES
    seen = {}
    with plugin_storage().open(upload.storage_name) as stored, _seekable(stored) as handle:
        archive = zipfile.ZipFile(handle)
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            name = info.filename.split('/', 1)[1]
            with archive.open(info) as member:
                data = member.read(limit + 1)  # one byte past the limit is enough for the delivery to refuse it
            upload.results.append(_deliver_one(name, data, upload, exam, seen))
            upload.done += 1
            upload.save(update_fields=['done', 'results'])
    upload.status = BulkUpload.DONE
    upload.save(update_fields=['status'])


def _deliver_one(name, data, upload, exam, seen):
    digest = envelope.sha256_hex(data)
    if digest in seen:
        return _refused_before_delivery(upload, name, data, 'duplicate', _('The same file as {name}.').format(
            name=seen[digest]), outcome='duplicate')
    seen[digest] = name
    try:
        _outer, header = envelope.read_header(data)
    except envelope.EnvelopeError:
        return _refused_before_delivery(upload, name, data, 'malformed', _(
            'This is not a readable delivery file (it may be damaged or truncated).'))
    attempt = proctoring.Attempt.objects.filter(
        attempt_code=header['attempt'], proctored_exam_id=exam['id']).values('id', 'user__username').first()
    if attempt is None:
        return _refused_before_delivery(upload, name, data, 'wrong_attempt', _(
            'This file belongs to no attempt of this exam.'))
    try:
        receipt = upload_delivery_file(data, upload.course_id, upload.content_id, attempt['id'], upload.uploaded_by,
                                       ip_address=upload.ip_address, file_name=name, channel=CHANNEL_BULK)
    except DeliveryRefused as refusal:
        return {'file': name, 'candidate': attempt['user__username'], 'outcome': 'refused',
                'reason': refusal.reason, 'detail': refusal.user_message}
    return {'file': name, 'candidate': attempt['user__username'],
            'outcome': 'already_delivered' if receipt.already_delivered else 'accepted', 'receipt': receipt.receipt}


def _refused_before_delivery(upload, name, data, reason, message, outcome='refused'):
    """A file of the batch refused before it reached an attempt: its result line, and its audit event."""
    record_audit_event(upload.course_id, 'upload', AuditEvent.REFUSED, actor=upload.uploaded_by,
                       content_id=upload.content_id, ip_address=upload.ip_address, channel=CHANNEL_BULK,
                       reason=reason, message=message, file_name=name[:255], size=len(data), upload_id=upload.id)
    return {'file': name, 'outcome': outcome, 'reason': reason, 'detail': message}


def get_bulk_upload(upload_id, course_key):
    """The batch's progress and result lines, or None when it is not this course's."""
    upload = BulkUpload.objects.filter(id=upload_id, course_id=course_key).first()
    if upload is None:
        return None
    return BulkUploadStatus(upload_id=upload.id, status=upload.status, total=upload.total, done=upload.done,
                            results=tuple(upload.results))
