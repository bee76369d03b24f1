"""
The demo course and the people in it: one place that the seed command, the landing page and the tests share.
"""
from dataclasses import dataclass

DEMO_PASSWORD = 'edx'  # the Open edX devstack convention; the sandbox is for trying things, not for serving
COURSE_ID = 'course-v1:SandboxU+EXAM101+2026'
#: The invigilator password of the demo's proctored and practice exams (course staff set it per exam).
INVIGILATOR_PASSWORD = 'tentavakt-hall-B-2026'


@dataclass(frozen=True)
class DemoUser:
    """A demo login and what it is for."""

    username: str
    full_name: str
    who: str
    goes_to: str
    mode: str = ''          # enrollment track, for learners
    course_role: str = ''   # course access role, for staff and invigilators
    is_staff: bool = False  # global staff (Django admin)


DEMO_USERS = (
    DemoUser('verified_learner', 'Vera Verified', 'Candidate on the verified track: may take the proctored exam.',
             'The course outline, then "Final exam (proctored)".', mode='verified'),
    DemoUser('verified_learner2', 'Ville Verified',
             'A second verified candidate: a hall of more than one, and a fresh attempt for flow B (no USB stick) '
             'once verified_learner has written the exam.',
             'The course outline, then "Final exam (proctored)".', mode='verified'),
    DemoUser('audit_learner', 'Ada Audit',
             'Candidate on the audit track: the guide gives this track no proctored exams, so the final exam stays '
             'closed; the practice exam and the timed quiz open.',
             'The course outline, then "Practice exam".', mode='audit'),
    DemoUser('course_staff', 'Stina Staff', 'Course staff (the planner): exam settings, allowances, reports.',
             'The course outline, the Monitor of each exam, and the plugin API.', course_role='staff'),
    DemoUser('invigilator', 'Ivar Invigilator', 'Invigilator [tentavakt] in the exam hall.',
             'The course outline, then "Monitor" beside an exam: every candidate, uploads of delivery files, '
             'answers. On a candidate\'s screen: the invigilator password for "Save delivery as file".',
             course_role='offline_delivery_invigilator'),
    DemoUser('chief_invigilator', 'Karin Chief', 'Chief invigilator / site manager [platsansvarig].',
             'As the invigilator, and "Open for resubmission" in the Monitor: extra minutes and a reason, then the '
             'invigilator password on the candidate\'s screen (flow D).',
             course_role='offline_delivery_chief_invigilator'),
    DemoUser('admin', 'Site Operator', 'The operator: Django admin of the sandbox.', '/admin/', is_staff=True),
)
