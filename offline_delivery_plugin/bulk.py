"""
Bulk upload (flow C with a whole USB stick): many delivery files, or one zip of them, checked before anything is
unpacked, then delivered by Celery tasks in parts that workers take side by side, each file finding its own
candidate from its binding.

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
from django.db import transaction
from django.utils.translation import gettext as _

from offline_delivery_plugin import proctoring
from offline_delivery_plugin.audit import CHANNEL_BULK, record_audit_event
from offline_delivery_plugin.crypto import envelope
from offline_delivery_plugin.data import BulkUploadStatus
from offline_delivery_plugin.exams import get_active_exam
from offline_delivery_plugin.exceptions import BulkUploadRefused, DeliveryRefused
from offline_delivery_plugin.models import AuditEvent, BulkUpload, BulkUploadFile
from offline_delivery_plugin.monitor import upload_delivery_file
from offline_delivery_plugin.storage import plugin_storage

__all__ = [
    'deliver_bulk_upload_part',
    'get_bulk_upload',
    'plan_bulk_upload',
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

    Returns the batch id; the tasks then note its files and deliver them in parts (``plan_bulk_upload``,
    ``deliver_bulk_upload_part``; at once where Celery is eager).

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


@contextlib.contextmanager
def _stored_files(upload):
    """
    The stored batch's files in upload order, read where they are stored (or from a temporary copy when the
    storage cannot seek): yields ``(count, read)``, where ``read(index)`` returns ``(name, data)`` of one file.

    Each part opens the batch again: on the file system that reads the zip's directory and the part's files only;
    a storage that cannot seek, or one that fetches an object whole (S3's), costs a copy of the batch per part.
    """
    limit = settings.OFFLINE_DELIVERY_MAX_FILE_BYTES
    with plugin_storage().open(upload.storage_name) as stored, _seekable(stored) as handle:
        archive = zipfile.ZipFile(handle)
        members = sorted(archive.infolist(), key=lambda info: info.filename)

        def read(index):
            info = members[index]
            with archive.open(info) as member:
                # one byte past the limit is enough for the delivery to refuse the file
                return info.filename.split('/', 1)[1], member.read(limit + 1)

        yield len(members), read


def plan_bulk_upload(upload_id):
    """
    The first step of a batch's delivery: note each file of the stored batch (a file seen twice is the duplicate of
    its first copy, reported as such and delivered once), then split the files still to deliver into parts of
    ``OFFLINE_DELIVERY_BULK_PART_FILES``, which workers deliver side by side (``deliver_bulk_upload_part``).

    Safe to run again: the files are noted once, under the batch's row lock, and only files without a result line
    go into the parts.

    Returns:
        list: ``[(start, stop)]``, the files' places in the batch that each part delivers.
    """
    with transaction.atomic():
        upload = BulkUpload.objects.select_for_update().get(id=upload_id)
        if not upload.files.exists():
            _note_files(upload)
        if upload.status == BulkUpload.PENDING:
            upload.status = BulkUpload.RUNNING
            upload.save(update_fields=['status'])
    pending = list(upload.files.filter(outcome='').order_by('index').values_list('index', flat=True))
    if not pending:
        _finish_if_complete(upload)
    size = max(1, settings.OFFLINE_DELIVERY_BULK_PART_FILES)
    return [(chunk[0], chunk[-1] + 1) for chunk in (pending[n:n + size] for n in range(0, len(pending), size))]


def _note_files(upload):
    """One row per stored file; a repeated file (the same bytes) gets its ``duplicate`` result line at once."""
    rows, seen = [], {}
    with _stored_files(upload) as (count, read):
        for index in range(count):
            name, data = read(index)
            digest = envelope.sha256_hex(data)
            row = BulkUploadFile(upload=upload, index=index)
            if digest in seen:
                row.result = _refused_before_delivery(upload, name, data, 'duplicate', _(
                    'The same file as {name}.').format(name=seen[digest]), outcome='duplicate')
                row.outcome = 'duplicate'
            else:
                seen[digest] = name
            rows.append(row)
    BulkUploadFile.objects.bulk_create(rows)


def deliver_bulk_upload_part(upload_id, start, stop):
    """
    Deliver the files at places ``start`` to ``stop`` of a batch that have no result line yet, each to its own
    candidate (found from the attempt code in its authenticated header), and write each file's line in its own row.
    Another worker may deliver the other parts at the same time: they share no row but the candidates' own.

    Safe to run again (a task delivered twice after a worker's restart): a file keeps the first line written for it,
    and a file delivered before its line was written answers ``already delivered``.
    """
    upload = BulkUpload.objects.get(id=upload_id)
    pending = dict(upload.files.filter(index__gte=start, index__lt=stop, outcome='').values_list('index', 'id'))
    if pending:
        exam = get_active_exam(upload.course_id, upload.content_id)
        with _stored_files(upload) as (_count, read):
            for index in sorted(pending):
                name, data = read(index)
                line = _deliver_one(name, data, upload, exam)
                BulkUploadFile.objects.filter(id=pending[index], outcome='').update(outcome=line['outcome'],
                                                                                    result=line)
    _finish_if_complete(upload)


def _finish_if_complete(upload):
    if not upload.files.filter(outcome='').exists():
        BulkUpload.objects.filter(id=upload.id, status=BulkUpload.RUNNING).update(status=BulkUpload.DONE)


def process_bulk_upload(upload_id):
    """Deliver a whole batch here, part after part (what the tasks spread over workers); safe to run again."""
    for start, stop in plan_bulk_upload(upload_id):
        deliver_bulk_upload_part(upload_id, start, stop)


def _deliver_one(name, data, upload, exam):
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
    """The batch's progress and the result lines written so far (in upload order), or None when it is not this
    course's."""
    upload = BulkUpload.objects.filter(id=upload_id, course_id=course_key).first()
    if upload is None:
        return None
    results = tuple(upload.files.exclude(outcome='').order_by('index').values_list('result', flat=True))
    status = upload.status
    if status == BulkUpload.RUNNING and len(results) == upload.total:
        status = BulkUpload.DONE  # the last part's worker is about to say so
    return BulkUploadStatus(upload_id=upload.id, status=status, total=upload.total, done=len(results),
                            results=results)
