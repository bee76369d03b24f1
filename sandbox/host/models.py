"""
The sandbox host's tables: the small part of the LMS and Studio data the plugin and edx-proctoring rely on.

Each model names the edx-platform model it stands in for. They are the host's, not the plugin's: the plugin
reads them only through ``sandbox.host.edxapp_backend`` (behind ``offline_delivery_plugin.compat``).
"""
from django.conf import settings
from django.db import models
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField


class Course(models.Model):
    """
    A course and the Advanced Settings the plugin reads (modulestore ``CourseBlock`` fields in the LMS).
    """

    course_key = CourseKeyField(max_length=255, unique=True)
    display_name = models.CharField(max_length=255)
    enable_proctored_exams = models.BooleanField(default=False)
    allow_proctoring_opt_out = models.BooleanField(default=False)
    proctoring_escalation_email = models.EmailField(blank=True)
    #: ``proctoring_provider``: the edx-proctoring backend of the course's proctored exams, by its name in
    #: ``PROCTORING_BACKENDS`` (Studio's "Proctoring Provider"); empty means the site's ``DEFAULT``.
    proctoring_provider = models.CharField(max_length=255, blank=True)
    #: ``other_course_settings``: the free-form Advanced Settings dict; the plugin keeps its keys here.
    other_course_settings = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return str(self.course_key)


class Block(models.Model):
    """
    One block of the course tree (chapter, sequential, vertical or an item), with its authored fields.

    ``fields`` holds content- and settings-scoped XBlock field values, as the modulestore does; learner state
    is in ``StudentModule``.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name='blocks')
    usage_key = UsageKeyField(max_length=255, unique=True)
    block_type = models.CharField(max_length=64)
    parent = models.ForeignKey('self', null=True, blank=True, on_delete=models.CASCADE, related_name='children')
    position = models.PositiveIntegerField(default=0)
    fields = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ('position', 'id')

    def __str__(self):
        return str(self.usage_key)

    @property
    def display_name(self):
        """The block's display name, or its type when it has none."""
        return self.fields.get('display_name') or self.block_type


class CourseEnrollment(models.Model):
    """``student.CourseEnrollment``: a learner's enrollment and its track (mode)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    mode = models.CharField(max_length=100, default='audit')
    is_active = models.BooleanField(default=True)

    class Meta:
        unique_together = ('user', 'course')


class CourseAccessRole(models.Model):
    """``student.CourseAccessRole``: course staff, instructors and the plugin's invigilator roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    role = models.CharField(max_length=64, db_index=True)

    class Meta:
        unique_together = ('user', 'course', 'role')


class AnonymousUserId(models.Model):
    """``student.AnonymousUserId``: the per-course anonymous id XBlocks and reports use."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    anonymous_user_id = models.CharField(max_length=32, unique=True)

    class Meta:
        unique_together = ('user', 'course')


class StudentModule(models.Model):
    """``courseware.StudentModule``: one learner's state of one block (the XBlock ``user_state`` scope)."""

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    module_state_key = UsageKeyField(max_length=255)
    state = models.JSONField(default=dict)
    grade = models.FloatField(null=True, blank=True)
    max_grade = models.FloatField(null=True, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = ('student', 'module_state_key')


class BlockCompletion(models.Model):
    """``completion.BlockCompletion``: set when edx-proctoring completes an attempt's blocks."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    block_key = UsageKeyField(max_length=255)
    completion = models.FloatField(default=1.0)

    class Meta:
        unique_together = ('user', 'block_key')


class SubsectionGradeOverride(models.Model):
    """``grades.PersistentSubsectionGradeOverride``: what edx-proctoring sets when a review is rejected."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    usage_key = UsageKeyField(max_length=255)
    earned_all_override = models.FloatField(null=True)
    earned_graded_override = models.FloatField(null=True)
    feature = models.CharField(max_length=64, blank=True)
    comment = models.CharField(max_length=300, blank=True)

    class Meta:
        unique_together = ('user', 'usage_key')


class GeneratedCertificate(models.Model):
    """``certificates.GeneratedCertificate``: invalidated when a proctoring review is rejected."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    status = models.CharField(max_length=32, default='downloadable')

    class Meta:
        unique_together = ('user', 'course')


class CreditRequirementStatus(models.Model):
    """``credit.CreditRequirementStatus``: edx-proctoring records exam outcomes as credit requirements."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    course = models.ForeignKey(Course, on_delete=models.CASCADE)
    namespace = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=32)
    reason = models.JSONField(default=dict, blank=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = ('user', 'course', 'namespace', 'name')


class UserPreference(models.Model):
    """
    openedx.core.djangoapps.user_api.models.UserPreference: a user's settings by key. The LMS keeps the language a
    user chose under ``pref-lang`` and serves every page in it (its LanguagePreferenceMiddleware); the sandbox's
    ``LanguagePreferenceMiddleware`` does the same.
    """
    LANGUAGE = 'pref-lang'

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name='+')
    key = models.CharField(max_length=255)
    value = models.TextField()

    class Meta:
        unique_together = ('user', 'key')
