"""
Serializers of the REST API v1: the wire shape of the plugin's data classes. The limits they check first, to answer
in the API's shape, are the domain's own (read from ``api``), so each limit is written once.
"""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from offline_delivery_plugin import api


class CourseDeliverySettingsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.CourseDeliverySettings`` on the wire."""

    enabled = serializers.BooleanField()
    autosave_interval_seconds = serializers.IntegerField()
    connection_lost_message = serializers.CharField()
    allow_deliver_blank = serializers.BooleanField()
    upload_roles = serializers.ListField(child=serializers.CharField())
    reopen_roles = serializers.ListField(child=serializers.CharField())


class ExamSummarySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.ExamSummary`` on the wire."""

    exam_id = serializers.IntegerField()
    content_id = serializers.CharField()
    exam_name = serializers.CharField()
    exam_type = serializers.CharField()
    time_limit_mins = serializers.IntegerField()


class CourseSettingsDraftSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """
    A draft of the course's offline-delivery settings, as Studio's Advanced Settings would save it.

    Only the shape is checked here (an object under ``offline_delivery``); the meaning is checked by
    ``api.validate_course_settings`` so the rules live in one place.
    """

    offline_delivery = serializers.DictField(allow_empty=True)


class PasswordVerifierSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.PasswordVerifier`` on the wire."""

    salt = serializers.CharField()
    iterations = serializers.IntegerField()
    hash = serializers.CharField()
    pid = serializers.CharField()
    cosign_salt = serializers.CharField()
    cosign_iterations = serializers.IntegerField()


class CandidateSessionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.CandidateSession`` on the wire: what the candidate page starts with."""

    attempt_id = serializers.IntegerField()
    attempt_code = serializers.CharField(allow_null=True)
    course_id = serializers.CharField()
    content_id = serializers.CharField()
    exam_name = serializers.CharField()
    candidate_id = serializers.CharField(allow_null=True)
    candidate_label = serializers.CharField()
    kid = serializers.CharField(allow_null=True)
    public_key_spki_b64 = serializers.CharField(allow_null=True)
    password_verifier = PasswordVerifierSerializer(allow_null=True)
    deadline_ms = serializers.IntegerField()
    server_time_ms = serializers.IntegerField()
    autosave_interval_seconds = serializers.IntegerField()
    connection_lost_after_seconds = serializers.IntegerField()
    connection_lost_message = serializers.CharField()
    allow_deliver_blank = serializers.BooleanField()
    genesis_hash = serializers.CharField()
    acked_seq = serializers.IntegerField()
    acked_hash = serializers.CharField()
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True, trim_whitespace=False))
    items = serializers.ListField(child=serializers.CharField())
    units = serializers.ListField(child=serializers.CharField())
    locked = serializers.BooleanField()
    allowed_seconds = serializers.IntegerField()
    safe_exam_browser = serializers.DictField(allow_null=True)


class UnicodeTextField(serializers.CharField):
    """
    A text field that refuses lone surrogates (no Unicode text) with one encode in C, instead of DRF's own check,
    a Python loop over every character: on the autosave path that loop over the answers cost more than the
    save's database reads.
    """

    default_error_messages = {'surrogate': _('A text holds a lone surrogate (U+D800 to U+DFFF): it is not Unicode.')}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [validator for validator in self.validators
                           if not isinstance(validator, ProhibitSurrogateCharactersValidator)]

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:
            self.fail('surrogate')
        return value


class SnapshotSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A snapshot from the page: its chain link and the answers it covers, both as the exact text hashed."""

    link = UnicodeTextField(max_length=api.SNAPSHOT_LINK_MAX_CHARS, trim_whitespace=False)
    answers_json = UnicodeTextField(max_length=20_000_000, trim_whitespace=False)


class SaveAckSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.SaveAck`` on the wire."""

    acked_seq = serializers.IntegerField()
    acked_hash = serializers.CharField()
    stored = serializers.BooleanField()


class DeliveryReceiptSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.DeliveryReceipt`` on the wire (no answers)."""

    receipt = serializers.CharField()
    seq = serializers.IntegerField()
    blank = serializers.BooleanField()
    already_delivered = serializers.BooleanField()
    not_applied = serializers.SerializerMethodField()

    def get_not_applied(self, receipt):
        """``[{item_id, message}]``: answers their item would not take back (the plugin keeps them)."""
        return [{'item_id': item_id, 'message': message} for item_id, message in receipt.not_applied]


class MonitorRowSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.MonitorRow`` on the wire."""

    user_id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    mode = serializers.CharField(allow_blank=True)
    state = serializers.CharField()
    attempt_id = serializers.IntegerField(allow_null=True)
    proctoring_status = serializers.CharField(allow_blank=True)
    last_save_at = serializers.DateTimeField(allow_null=True)
    last_save_seq = serializers.IntegerField(allow_null=True)
    last_contact_at = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    receipt = serializers.CharField(allow_blank=True)
    seb_verdict = serializers.CharField(allow_blank=True)


class UploadSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A delivery file uploaded from the Monitor (multipart field ``file``)."""

    file = serializers.FileField(allow_empty_file=True)


class AnswerRowSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.AnswerRow`` on the wire."""

    item_id = serializers.CharField()
    display_name = serializers.CharField()
    value = serializers.CharField(allow_blank=True, trim_whitespace=False)
    online_value = serializers.CharField(allow_blank=True, trim_whitespace=False)
    source = serializers.CharField(allow_blank=True)
    changed_offline = serializers.BooleanField()
    not_applied = serializers.CharField(allow_blank=True)
    question = serializers.CharField(allow_blank=True)
    value_text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    online_text = serializers.CharField(allow_blank=True, trim_whitespace=False)


class ReopenSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Opening an attempt for resubmission: extra minutes and a reason for the audit trail."""

    extra_minutes = serializers.IntegerField(min_value=0, max_value=api.REOPEN_MAX_EXTRA_MINUTES)
    reason = serializers.CharField(max_length=api.REOPEN_REASON_MAX, allow_blank=True, required=False, default='')


class UnlockSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The invigilator password typed on the candidate's screen."""

    password = serializers.CharField(max_length=api.INVIGILATOR_PASSWORD_MAX_LENGTH, trim_whitespace=False)


class HallRoleChangeSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A hall role to give or take: the account (username or email) and the role (checked, and audited, by api)."""

    user = serializers.CharField(max_length=api.HALL_ROLE_IDENTIFIER_MAX)
    role = serializers.CharField(max_length=40)
    action = serializers.ChoiceField(choices=('grant', 'revoke'), required=False, default='grant')


class HallRoleHolderSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One holder of a hall role."""

    role = serializers.CharField()
    role_label = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()


class HallReviewSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The chief invigilator's incident record: the outcome, and a note (needed for an incident)."""

    outcome = serializers.ChoiceField(choices=('satisfactory', 'unsatisfactory', 'second_review'))
    note = serializers.CharField(max_length=api.HALL_REVIEW_NOTE_MAX, allow_blank=True, required=False, default='')


class ExamRequestSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.ExamRequestData`` on the wire."""

    request_id = serializers.IntegerField()
    content_id = serializers.CharField()
    exam_name = serializers.CharField()
    username = serializers.CharField()
    full_name = serializers.CharField(allow_blank=True)
    kind = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    created = serializers.DateTimeField()
    decided_by = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    granted = serializers.CharField(allow_blank=True)
    decision_note = serializers.CharField(allow_blank=True)
    allowed_time = serializers.CharField(allow_blank=True)
    minutes_requested = serializers.IntegerField(allow_null=True)


class NewExamRequestSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """A learner's request: which exam, what for, and why."""

    exam = serializers.CharField(max_length=255)
    kind = serializers.CharField(max_length=32)
    reason = serializers.CharField(max_length=api.REQUEST_REASON_MAX, allow_blank=True, required=False, default='',
                                   trim_whitespace=False)
    #: Additional time only: the extra minutes asked for (the api checks the range).
    minutes = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0,
                                       max_value=10 ** 6)


class DecisionSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Course staff's decision on a request; which values are needed depends on the kind (the api says)."""

    approve = serializers.BooleanField()
    minutes = serializers.IntegerField(required=False, allow_null=True, default=None)
    multiplier = serializers.FloatField(required=False, allow_null=True, default=None)
    allowance_text = serializers.CharField(max_length=api.DECISION_TEXT_MAX, required=False, allow_blank=True,
                                           default='')
    note = serializers.CharField(max_length=api.REQUEST_REASON_MAX, required=False, allow_blank=True, default='')
    confirm_clearing = serializers.BooleanField(required=False, default=False)


class AllowanceLineResultSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.AllowanceLineResult`` on the wire."""

    line = serializers.IntegerField()
    ok = serializers.BooleanField()
    message = serializers.CharField()


class ReportSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.ReportData`` on the wire, with a download link (good for 5 minutes) once the report is done."""

    report_id = serializers.IntegerField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    file_name = serializers.CharField(allow_blank=True)
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, report):
        """A signed link for the requesting user, or null while the report is not ready."""
        if report.status != 'done':
            return None
        return self.context['link'](report.report_id)


class SafeExamBrowserExamSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An exam's Safe Exam Browser settings (never the quit password), its Config Key and its links."""

    content_id = serializers.CharField()
    required = serializers.BooleanField()
    quit_password_set = serializers.BooleanField()
    download_directory_win = serializers.CharField()
    download_directory_mac = serializers.CharField()
    allowed_sites = serializers.ListField(child=serializers.CharField())
    browser_exam_keys = serializers.ListField(child=serializers.CharField())
    config_key = serializers.CharField()
    seb_link = serializers.CharField()
    config_url = serializers.CharField()
    changed_by = serializers.CharField()
    changed_at = serializers.DateTimeField(allow_null=True)
