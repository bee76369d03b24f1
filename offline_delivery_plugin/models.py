"""
The plugin's tables. Private to the app: other code goes through ``offline_delivery_plugin.api``.
"""
from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField


class AttemptRecord(models.Model):
    """
    The plugin's record of one edx-proctoring exam attempt, kept in step with edx-proctoring's status.

    edx-proctoring stays the owner of the attempt; this row carries what the plugin adds around it (later: last
    autosave, connection state, deliveries) and lets the Monitor read a course's attempts in one query.

    .. no_pii: holds the user's id only; names and emails stay in the user tables.
    """

    attempt_id = models.BigIntegerField(unique=True, help_text='ProctoredExamStudentAttempt.id')
    attempt_code = models.CharField(max_length=255, db_index=True, null=True, blank=True)  # noqa: DJ001  (as edx-proctoring's)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    course_id = CourseKeyField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255)
    proctoring_status = models.CharField(max_length=64)
    status_changed_at = models.DateTimeField(null=True)
    #: The newest snapshot the server holds (autosave or file): its sequence number and chain hash.
    last_save_seq = models.PositiveIntegerField(null=True)
    last_save_hash = models.CharField(max_length=64, blank=True)
    last_save_at = models.DateTimeField(null=True)
    #: The last time the candidate's page reached the server, whatever it sent.
    last_contact_at = models.DateTimeField(null=True)
    #: Set on the attempt that continues a reopened one: which one it continues, and whether the invigilator
    #: password has been typed to let the candidate go on.
    continues_attempt_id = models.BigIntegerField(null=True)
    requires_unlock = models.BooleanField(default=False)
    unlocked_at = models.DateTimeField(null=True)
    #: At an exam that requires Safe Exam Browser: what the newest candidate request showed of SEB's keys
    #: (``safe_exam_browser.VERDICTS``), and when; the Monitor's SEB column.
    seb_verdict = models.CharField(max_length=16, blank=True)
    seb_verdict_at = models.DateTimeField(null=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=['course_id', 'content_id'])]

    def __str__(self):
        return f'AttemptRecord({self.attempt_id}, {self.proctoring_status})'


class ExamKey(models.Model):
    """
    A key pair of one exam: candidates' pages encrypt delivery files to its public key; only the server can
    decrypt them. The private key is stored wrapped (AES-256-GCM) under a key-encryption key from settings.

    Exactly one key per exam is active (``active_for`` holds the exam; retired keys hold NULL, which a unique
    index allows many of on every database). Retired keys still open files written before the rotation.

    .. no_pii: key material only.
    """

    kid = models.CharField(max_length=64, unique=True)
    course_id = CourseKeyField(max_length=255)
    content_id = models.CharField(max_length=255)
    active_for = models.CharField(max_length=520, unique=True, null=True)  # noqa: DJ001  (NULL = retired)
    public_key_spki = models.BinaryField()
    kek_id = models.CharField(max_length=64)
    wrap_nonce = models.BinaryField()
    wrapped_private_key = models.BinaryField()
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=['course_id', 'content_id'])]

    def __str__(self):
        return self.kid


class InvigilatorPassword(models.Model):
    """
    One invigilator password of one exam, from the moment course staff set it: each change adds a row and retires
    the one before, so files co-signed under an earlier password still verify.

    ``password_hash`` (Django's hashers) checks the password online; the PBKDF2 verifier (own salt, at least
    600,000 iterations) is what candidate pages receive to check it offline. The **co-signing key** is a second
    PBKDF2 of the password with a salt of its own: the page derives it when the invigilator types the password and
    signs the delivery file with it; the server keeps its copy wrapped (AES-256-GCM) under a key-encryption key,
    as it keeps the exam keys (docs/decisions/0012-the-invigilators-co-signature.rst). The password itself is not
    stored.

    Exactly one row per exam is active (``active_for`` holds the exam; retired rows hold NULL).

    .. no_pii: a password hash, verifier and wrapped key for an exam, not for a person.
    """

    pid = models.CharField(max_length=64, unique=True)
    course_id = CourseKeyField(max_length=255)
    content_id = models.CharField(max_length=255)
    active_for = models.CharField(max_length=520, unique=True, null=True)  # noqa: DJ001  (NULL = retired)
    password_hash = models.CharField(max_length=255)
    verifier_salt = models.CharField(max_length=64)
    verifier_iterations = models.PositiveIntegerField()
    verifier_hash = models.CharField(max_length=128)
    cosign_salt = models.CharField(max_length=64)
    cosign_iterations = models.PositiveIntegerField()
    kek_id = models.CharField(max_length=64)
    wrap_nonce = models.BinaryField()
    wrapped_cosign_key = models.BinaryField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    set_at = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=['course_id', 'content_id'])]

    def __str__(self):
        return f'InvigilatorPassword({self.pid}, {self.course_id}, {self.content_id})'


class ItemAnswer(models.Model):
    """
    The server's copy of one answer of one attempt: the latest value it holds, the snapshot it came in and how
    it arrived (autosave or a delivery file).

    .. pii: the candidate's answer text. Retained with the attempt; removed when the attempt record is.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    SOURCE_AUTOSAVE = 'autosave'
    SOURCE_FILE = 'file'

    record = models.ForeignKey(AttemptRecord, on_delete=models.CASCADE, related_name='answers')
    item_id = models.CharField(max_length=255)
    value = models.TextField()
    #: The last value that arrived online (autosave), kept beside a value a delivery file brought, so staff can
    #: see what was written while offline.
    online_value = models.TextField(blank=True, default='')
    seq = models.PositiveIntegerField()
    source = models.CharField(max_length=16, default=SOURCE_AUTOSAVE)
    changed_at = models.DateTimeField()

    class Meta:
        unique_together = ('record', 'item_id')

    def __str__(self):
        return f'ItemAnswer({self.record_id}, {self.item_id})'


class DeliveryFile(models.Model):
    """
    A delivery file the server accepted for an attempt: who brought it, when, how, and the original bytes (in
    Django storage) with their SHA-256 and the receipt code the candidate saw.

    .. no_pii: the file is encrypted; the answers it carries are in ItemAnswer.
    """

    CHANNEL_SELF = 'self'
    CHANNEL_STAFF = 'staff'

    record = models.ForeignKey(AttemptRecord, on_delete=models.CASCADE, related_name='deliveries')
    sha256 = models.CharField(max_length=64)
    receipt = models.CharField(max_length=9)
    size = models.PositiveIntegerField()
    seq = models.PositiveIntegerField()
    blank = models.BooleanField(default=False)
    channel = models.CharField(max_length=16)
    delivered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name='+')
    delivered_at = models.DateTimeField()
    storage_name = models.CharField(max_length=500)
    #: The items the candidate's page rendered, in its order (what staff are shown, in that order).
    items = models.JSONField(default=list, blank=True)
    #: ``{item_id: the item's words}`` for answers an item would not take back (kept in ItemAnswer all the same).
    not_applied = models.JSONField(default=dict, blank=True)

    class Meta:
        unique_together = ('record', 'sha256')

    def __str__(self):
        return f'DeliveryFile({self.record_id}, {self.receipt})'


class AuditEvent(models.Model):
    """
    One staff action or one refusal, append-only: who, when, what, from where, and how it ended.

    Rows are only ever added: ``save`` refuses to change an existing row.

    .. pii: the actor's and subject's user ids and the client IP address.
    .. pii_types: id, ip
    .. pii_retirement: retained
    """

    OK = 'ok'
    REFUSED = 'refused'

    course_id = CourseKeyField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255, blank=True)
    attempt_id = models.BigIntegerField(null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    subject = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    kind = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16)
    detail = models.JSONField(default=dict)
    ip_address = models.GenericIPAddressField(null=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f'AuditEvent({self.kind}, {self.outcome})'

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError('Audit events are append-only.')
        super().save(*args, **kwargs)


class Reopening(models.Model):
    """
    An attempt opened for resubmission: by whom, with how many extra minutes, why, and (once the candidate starts
    again) the attempt that continues it.

    .. no_pii: user ids and a staff-written reason.
    """

    attempt_id = models.BigIntegerField(db_index=True)
    course_id = CourseKeyField(max_length=255)
    content_id = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name='+')
    extra_minutes = models.PositiveIntegerField(default=0)
    seconds_granted = models.PositiveIntegerField()
    reason = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    successor_attempt_id = models.BigIntegerField(null=True)

    def __str__(self):
        return f'Reopening({self.attempt_id})'


class BulkUpload(models.Model):
    """
    A batch of delivery files uploaded at once (a USB stick's worth), delivered by Celery tasks in parts: one
    ``BulkUploadFile`` per file holds what became of it.

    .. no_pii: user ids, file names and per-file outcomes (receipt codes, refusal reasons).
    """

    PENDING, RUNNING, DONE, FAILED = 'pending', 'running', 'done', 'failed'

    course_id = CourseKeyField(max_length=255)
    content_id = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    ip_address = models.GenericIPAddressField(null=True)
    storage_name = models.CharField(max_length=500)
    status = models.CharField(max_length=16, default=PENDING)
    total = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f'BulkUpload({self.id}, {self.status})'


class BulkUploadFile(models.Model):
    """
    One file of a bulk upload, by its place in the batch, and its result line once it is delivered or refused. Each
    file has its own row, so workers delivering different parts of a batch at once never write the same row, and
    the Monitor counts progress from these rows.

    .. no_pii: a file's place and result line (file name, username, outcome, receipt code or reason).
    """

    upload = models.ForeignKey(BulkUpload, on_delete=models.CASCADE, related_name='files')
    index = models.PositiveIntegerField()
    #: '' while the file waits for its part; then accepted, already_delivered, duplicate or refused.
    outcome = models.CharField(max_length=24, blank=True, default='')
    result = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['upload', 'index'], name='offline_delivery_bulk_file_index')]

    def __str__(self):
        return f'BulkUploadFile({self.upload_id}, {self.index}, {self.outcome or "pending"})'


class ExamRequest(models.Model):
    """
    A learner's request about one exam, decided by course staff in the Instructor Dashboard tab: additional time,
    a special allowance (an exception to the exam rules, for reviewers), or a retake (clearing the attempt).

    While an allowance request is pending the learner cannot start the exam (the guide's warning, enforced).

    .. pii: the learner's and decider's user ids and the free-text reasons they wrote (they may describe a
       disability).
    .. pii_types: id, other
    .. pii_retirement: retained
    """

    ADDITIONAL_TIME = 'additional_time'
    SPECIAL_ALLOWANCE = 'special_allowance'
    RETAKE = 'retake'
    KINDS = (ADDITIONAL_TIME, SPECIAL_ALLOWANCE, RETAKE)
    PENDING, APPROVED, DENIED, WITHDRAWN = 'pending', 'approved', 'denied', 'withdrawn'

    course_id = CourseKeyField(max_length=255, db_index=True)
    content_id = models.CharField(max_length=255)
    exam_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    kind = models.CharField(max_length=32)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, default=PENDING, db_index=True)
    #: For a retake: the attempt to clear (the learner's attempt when they asked).
    attempt_id = models.BigIntegerField(null=True)
    #: For additional time: the extra minutes the learner asked for, if they said (staff decide the minutes given).
    minutes_requested = models.PositiveIntegerField(null=True)
    created = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    decided_at = models.DateTimeField(null=True)
    #: What was granted, in words the learner reads (e.g. "15 minutes", the allowance text).
    granted = models.TextField(blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=['user', 'exam_id', 'status'])]

    def __str__(self):
        return f'ExamRequest({self.kind}, {self.status})'


class ResultsReport(models.Model):
    """
    A proctored results report of a course, written in the background into Django storage.

    .. pii: the requesting user's id. The CSV it points to holds learners' usernames and emails (see
       ``reports.COLUMNS``); it never holds answers or passwords.
    .. pii_types: id, email_address, username
    .. pii_retirement: retained
    """

    PENDING, RUNNING, DONE, FAILED = 'pending', 'running', 'done', 'failed'

    course_id = CourseKeyField(max_length=255, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name='+')
    status = models.CharField(max_length=16, default=PENDING)
    created = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    storage_name = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self):
        return f'ResultsReport({self.course_id}, {self.status})'


class SafeExamBrowserSettings(models.Model):
    """
    Whether an exam requires Safe Exam Browser, and the few SEB settings an exam hall needs (the plugin serves the
    ``.seb`` file made from them and checks SEB's keys on the candidate page's requests: ``safe_exam_browser``).

    .. no_pii: settings and key digests only; the quit password is stored as SEB expects it (SHA-256 hex).
    """

    course_id = CourseKeyField(max_length=255)
    content_id = models.CharField(max_length=255)
    required = models.BooleanField(default=False)
    #: SHA-256 (hex) of the quit password, as SEB's ``hashedQuitPassword``; empty: SEB quits without a password.
    hashed_quit_password = models.CharField(max_length=64, blank=True)
    #: Where SEB saves downloads (``downloadDirectoryWin``, ``downloadDirectoryOSX``); empty: SEB's default folder.
    download_directory_win = models.CharField(max_length=255, blank=True)
    download_directory_mac = models.CharField(max_length=255, blank=True)
    #: Other sites SEB may open, besides the LMS and the learning MFE (URL filter expressions).
    allowed_sites = models.JSONField(default=list, blank=True)
    #: Browser Exam Keys (hex) the exam also accepts, e.g. of the halls' managed SEB installations.
    browser_exam_keys = models.JSONField(default=list, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name='+')
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=['course_id', 'content_id'], name='one_seb_settings_per_exam')]

    def __str__(self):
        return f'SafeExamBrowserSettings({self.content_id}, required={self.required})'
