"""
Plain data that crosses the plugin's API boundary. Frozen, so nobody mistakes it for a model to save.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Optional

from opaque_keys.edx.keys import CourseKey


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
    attempt_code: str
    user_id: int
    course_id: str
    content_id: str
    proctoring_status: str
    status_changed_at: Optional[datetime]
