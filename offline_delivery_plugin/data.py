"""
Plain data that crosses the plugin's API boundary. Frozen, so nobody mistakes it for a model to save.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from opaque_keys.edx.keys import CourseKey

#: Block types that show content and hold no answer, so are not items of an exam (Open edX's HTML, video,
#: discussion, poll, word cloud and annotation blocks; a unit's instructions are an HTML block).
CONTENT_ONLY_BLOCK_TYPES = ('html', 'video', 'discussion', 'poll_question', 'word_cloud', 'annotatable')


@dataclass(frozen=True)
class CourseInfo:
    """
    What the plugin needs to know of a course, from the modulestore (LMS) or the sandbox's course table.
    """

    course_key: CourseKey
    display_name: str
    enable_proctored_exams: bool
    allow_proctoring_opt_out: bool
    other_course_settings: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class CourseDeliverySettings:
    """
    The course team's offline-delivery settings, validated, with the site defaults filled in.

    They live in the course's Advanced Settings under ``other_course_settings["offline_delivery"]``.
    """

    enabled: bool
    autosave_interval_seconds: int
    connection_lost_message: str
    allow_deliver_blank: bool
    #: Hall roles ('invigilator', 'chief_invigilator') that may upload delivery files; course staff always may.
    upload_roles: tuple = ('invigilator', 'chief_invigilator')
    #: Hall roles that may open attempts for resubmission; course staff always may.
    reopen_roles: tuple = ('chief_invigilator',)


@dataclass(frozen=True)
class ExamSummary:
    """
    An exam subsection as edx-proctoring knows it (Studio syncs these rows on publish).
    """

    exam_id: int
    course_id: str
    content_id: str
    exam_name: str
    time_limit_mins: int
    is_proctored: bool
    is_practice_exam: bool
    is_active: bool

    @property
    def exam_type(self):
        """'practice', 'proctored' or 'timed', the words of the proctored-exam guide."""
        if self.is_practice_exam:
            return 'practice'
        return 'proctored' if self.is_proctored else 'timed'


@dataclass(frozen=True)
class AttemptRecordData:
    """
    The plugin's view of one edx-proctoring attempt.
    """

    attempt_id: int
    attempt_code: Optional[str]  # edx-proctoring's is nullable
    user_id: int
    course_id: str
    content_id: str
    proctoring_status: str
    status_changed_at: Optional[datetime]
    last_save_seq: Optional[int] = None
    last_save_at: Optional[datetime] = None
    last_contact_at: Optional[datetime] = None


@dataclass(frozen=True)
class ExamKeyData:
    """The public facts of an exam key: never the private key."""

    kid: str
    course_id: str
    content_id: str
    public_key_spki_b64: str
    kek_id: str
    created: datetime
    retired: Optional[datetime]


@dataclass(frozen=True)
class PasswordVerifier:
    """
    What the candidate page needs to check the invigilator password offline (PBKDF2-HMAC-SHA256: ``salt``,
    ``iterations``, ``hash``) and to co-sign a delivery file with it (the password's id ``pid`` and the co-signing
    key's own salt; the key itself is derived in the page from what the invigilator types, never sent).
    """

    salt: str
    iterations: int
    hash: str
    pid: str = ''
    cosign_salt: str = ''
    cosign_iterations: int = 0


@dataclass(frozen=True)
class SaveAck:
    """The server's answer to a snapshot: the newest snapshot it holds, which may be newer than the one sent."""

    acked_seq: int
    acked_hash: str
    stored: bool


@dataclass(frozen=True)
class CandidateSession:
    """
    Everything the candidate page needs at attempt start to keep working offline: where to save, what key to
    encrypt to, how to check the invigilator password, when time is up, and what the server already holds.
    """

    attempt_id: int
    #: The binding and keys a file is made with; None while a reopened attempt waits for the invigilator password
    #: (a locked session hands out nothing a delivery file could be made with).
    attempt_code: Optional[str]
    course_id: str
    content_id: str
    exam_name: str
    candidate_id: Optional[str]
    candidate_label: str
    kid: Optional[str]
    public_key_spki_b64: Optional[str]
    password_verifier: Optional[PasswordVerifier]
    deadline_ms: int
    server_time_ms: int
    autosave_interval_seconds: int
    connection_lost_after_seconds: int
    connection_lost_message: str
    allow_deliver_blank: bool
    genesis_hash: str
    acked_seq: int
    acked_hash: str
    answers: Mapping = field(default_factory=dict)
    items: tuple = ()
    #: The exam's units (the pages the learning MFE shows one at a time), kept by the page for use offline.
    units: tuple = ()
    locked: bool = False
    #: The learner's own allowed time for this attempt, allowances included: what the 20 % and 5 % warnings count.
    allowed_seconds: int = 0
    #: At an exam that requires Safe Exam Browser: where SEB saves the delivery file (``{"win", "mac"}``, empty
    #: for SEB's own Downloads folder) and its quit URL, for the page's quit step; None otherwise.
    safe_exam_browser: Optional[Mapping] = None


@dataclass(frozen=True)
class DeliveryReceipt:
    """What the server tells whoever delivered a file: accepted, with the receipt code to compare."""

    attempt_id: int
    receipt: str
    sha256: str
    seq: int
    blank: bool
    already_delivered: bool
    changed_items: tuple = ()
    #: ``(item_id, message)`` for answers their item would not take back (kept by the plugin all the same).
    not_applied: tuple = ()


@dataclass(frozen=True)
class Candidate:
    """An enrolled learner, as the Monitor lists them."""

    user_id: int
    username: str
    full_name: str
    mode: str


@dataclass(frozen=True)
class MonitorRow:
    """One candidate on the Monitor of one exam."""

    user_id: int
    username: str
    full_name: str
    mode: str
    state: str                      # see monitor.STATES
    attempt_id: Optional[int]
    proctoring_status: str
    last_save_at: Optional[datetime]
    last_save_seq: Optional[int]
    last_contact_at: Optional[datetime]
    seconds_left: Optional[int]
    receipt: str
    #: At an exam that requires Safe Exam Browser, what the candidate's newest request showed of it
    #: (``safe_exam_browser.VERDICTS``); '' before any request, or when the exam does not require SEB.
    seb_verdict: str = ''


@dataclass(frozen=True)
class AnswerRow:
    """One item of an attempt as staff see it: what the server holds, what arrived online, and how."""

    item_id: str
    display_name: str
    value: str
    online_value: str
    source: str
    changed_offline: bool
    #: Why the item would not take this answer back, or '' when it did (or no file was applied).
    not_applied: str = ''
    #: The question the answer is to, and the answers as a person reads them (a choice's text, not ``choice_2``),
    #: where the item is a capa problem; '' otherwise (staff read the value as it is).
    question: str = ''
    value_text: str = ''
    online_text: str = ''


@dataclass(frozen=True)
class BulkUploadStatus:
    """A bulk upload's progress and one result line per file."""

    upload_id: int
    status: str
    total: int
    done: int
    results: tuple = ()


@dataclass(frozen=True)
class DashboardExam:
    """One exam on the course's offline-delivery page: the exam, and when its invigilator password was last set."""

    exam: ExamSummary
    password_set_at: Optional[datetime]
    password_set_by: str
    #: The exam's review rules (edx-proctoring's review policy), as learners and reviewers read them.
    review_rules: str = ''


@dataclass(frozen=True)
class CourseDashboard:
    """The course's offline-delivery page: its name and its exams."""

    course_id: str
    course_name: str
    exams: list


@dataclass(frozen=True)
class ExamRequestData:
    """A learner's request about an exam (additional time, special allowance, retake) and its decision."""

    request_id: int
    course_id: str
    content_id: str
    exam_name: str
    username: str
    full_name: str
    kind: str
    reason: str
    status: str
    created: datetime
    decided_by: str
    decided_at: Optional[datetime]
    granted: str
    decision_note: str
    #: The learner's allowed time for the exam now, with every allowance, in words ('' when not relevant).
    allowed_time: str = ''
    #: The extra minutes the learner asked for (additional time), or None when they did not say.
    minutes_requested: Optional[int] = None


@dataclass(frozen=True)
class AllowanceLineResult:
    """One line of a bulk allowance CSV: what was done, or why the line changed nothing."""

    line: int
    ok: bool
    message: str


@dataclass(frozen=True)
class LearnerExam:
    """What a learner sees of an exam before and after taking it: their time, the rules, their requests."""

    course_id: str
    content_id: str
    exam_name: str
    exam_type: str
    #: The learner's allowed time in words, allowances included.
    allowed_time: str
    review_rules: str
    attempt_status: str
    may_ask_allowance: bool
    may_ask_retake: bool
    has_pending_allowance_request: bool
    requests: list
    #: The proctored session result as the guide words it (Pending, Satisfactory, Unsatisfactory), translated; ''
    #: before the attempt is over and for an exam not taken as proctored.
    review_result: str = ''


@dataclass(frozen=True)
class ReportData:
    """A results report: its progress (a Pending Task while running) and, once done, its file name."""

    report_id: int
    status: str
    created: datetime
    finished_at: Optional[datetime]
    total: int
    done: int
    file_name: str
    error: str


@dataclass(frozen=True)
class HallRoleHolder:
    """One holder of a hall role in a course: ``role`` is ``invigilator`` or ``chief_invigilator``."""

    role: str
    role_label: str
    username: str
    email: str


@dataclass(frozen=True)
class CourseSettingsCheck:
    """
    The course's stored offline-delivery settings, checked: ``present`` when Other Course Settings has the
    ``offline_delivery`` key at all, ``valid`` when every key in it is right (else ``errors``, a message per key, and
    offline delivery stays off), ``enabled`` when valid and turned on.
    """

    course_id: str
    present: bool
    valid: bool
    enabled: bool
    errors: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class SafeExamBrowserExam:
    """
    An exam's Safe Exam Browser settings as course staff set them (never the quit password, only whether one is
    set), with the Config Key of the ``.seb`` file the plugin serves for it and the link that starts SEB with it.
    """

    course_id: str
    content_id: str
    required: bool
    quit_password_set: bool
    download_directory_win: str
    download_directory_mac: str
    allowed_sites: tuple
    browser_exam_keys: tuple
    config_key: str
    seb_link: str
    config_url: str
    changed_by: str = ''
    changed_at: Optional[datetime] = None


@dataclass(frozen=True)
class SafeExamBrowserKeys:
    """
    What one request showed of Safe Exam Browser: its absolute URL and SEB's two request headers (each SHA-256 of
    the URL and a key), and the values SEB's JavaScript API gave the page (hashed with ``page_url``), which the page
    relays where SEB sends no headers (SEB for iOS, and a frame on another host than the top page).
    """

    url: str = ''
    config_key_hash: str = ''
    request_hash: str = ''
    page_url: str = ''
    page_config_key_hash: str = ''
    page_browser_exam_key_hash: str = ''

    @property
    def present(self):
        """Whether the request carried any of SEB's keys."""
        return any((self.config_key_hash, self.request_hash, self.page_config_key_hash,
                    self.page_browser_exam_key_hash))
