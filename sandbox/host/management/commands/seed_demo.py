"""
Create (or bring back to its seeded state) the demo course, its exams and its people. Safe to run again; it keeps
what learners did in the course (``reset_demo`` clears that first).
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api as offline_delivery
from sandbox.host.demo import COURSE_ID, DEMO_PASSWORD, DEMO_USERS, INVIGILATOR_PASSWORD
from sandbox.host.models import Block, Course, CourseAccessRole, CourseEnrollment
from sandbox.host.studio import publish_course

FINAL_EXAM_RULES = (
    'Closed book. One handwritten A4 sheet of notes is allowed. No phones, no second screen. '
    'Stay in view of the invigilators; raise your hand to leave the room.'
)


def _problem(question, response):
    """
    A capa problem's OLX (``data``, as Studio stores it): one response whose ``<label>`` is the question, as
    Studio's problem editor writes it (the label names the input for screen readers and for reports).
    """
    return '<problem>\n' + response.replace('<LABEL/>', f'<label>{question}</label>', 1) + '\n</problem>'


def _text(answer, *more, kind='ci'):
    additional = ''.join(f'<additional_answer answer="{other}"/>' for other in more)
    return (f'<stringresponse answer="{answer}" type="{kind}"><LABEL/>{additional}'
            f'<textline size="40"/></stringresponse>')


def _choice(correct, *wrong_and_right):
    choices = ''.join(f'<choice correct="{str(text == correct).lower()}">{text}</choice>' for text in wrong_and_right)
    return (f'<multiplechoiceresponse><LABEL/><choicegroup type="MultipleChoice">{choices}'
            f'</choicegroup></multiplechoiceresponse>')


def _checkboxes(correct, *options):
    choices = ''.join(f'<choice correct="{str(text in correct).lower()}">{text}</choice>' for text in options)
    return f'<choiceresponse><LABEL/><checkboxgroup>{choices}</checkboxgroup></choiceresponse>'


def _dropdown(correct, *options):
    listed = ','.join(f"'{text}'" for text in options)
    return f'<optionresponse><LABEL/><optioninput options="({listed})" correct="{correct}"/></optionresponse>'


def _number(answer, tolerance=None):
    tolerance = f'<responseparam type="tolerance" default="{tolerance}"/>' if tolerance else ''
    return (f'<numericalresponse answer="{answer}"><LABEL/>{tolerance}<formulaequationinput/>'
            f'</numericalresponse>')


def _formula(answer, samples):
    return (f'<formularesponse type="cs" samples="{samples}" answer="{answer}">'
            f'<LABEL/><responseparam type="tolerance" default="0.01"/><formulaequationinput/>'
            f'</formularesponse>')


def problem(block_id, display_name, question, response):
    """A course tree node for one capa problem."""
    return ('problem', block_id, {'display_name': display_name, 'data': _problem(question, response)}, [])


def instructions(block_id, display_name, html):
    """A course tree node for Open edX's HTML block (the instructions of a unit)."""
    return ('html', block_id, {'display_name': display_name, 'data': html}, [])


# The course tree: (block_type, block_id, fields, children). Questions are Open edX's own capa problems (OLX in
# ``data``, as Studio stores them), instructions its HTML block; the long written answers are the sandbox's essay
# block, for which Open edX publishes no block (docs/sandbox.rst).
COURSE_TREE = [
    ('chapter', 'week1', {'display_name': 'Week 1: Getting started'}, [
        ('sequential', 'welcome', {'display_name': 'Welcome'}, [
            ('vertical', 'welcome_unit', {'display_name': 'About this course'}, [
                instructions('welcome_text', 'About this course', '<p>Welcome to EXAM101. The exams of this course '
                             'are written on site, in the exam hall.</p>'),
                problem('welcome_name', 'Warm-up', 'What should we call you?', _text('.+', kind='regexp')),
            ]),
        ]),
    ]),
    ('chapter', 'exams', {'display_name': 'Exams'}, [
        ('sequential', 'final_exam', {
            'display_name': 'Final exam (proctored)', 'is_time_limited': True, 'is_proctored_enabled': True,
            'default_time_limit_minutes': 60, 'exam_review_rules': FINAL_EXAM_RULES, 'graded': True,
            'format': 'Final Exam'}, [
            ('vertical', 'final_part_a', {'display_name': 'Part A: short answers'}, [
                instructions('final_instructions', 'Instructions', '<p>Answer every question. Your answers are '
                             'saved on this device as you type and sent to the server whenever it can be reached. '
                             'Press <strong>Submit</strong> under a question when you are sure of your answer.</p>'),
                problem('final_control_word', 'Control word', 'Type the control word the invigilator gives you '
                        '(for example "hej"), or your name.', _text('.+', kind='regexp')),
                problem('final_term', 'Question 1', 'Name the protocol that encrypts web traffic between a browser '
                        'and a server.', _text('TLS', 'Transport Layer Security', 'SSL/TLS')),
            ]),
            ('vertical', 'final_part_b', {'display_name': 'Part B: choices'}, [
                problem('final_mc_cipher', 'Question 2', 'Which of these is an authenticated encryption mode?',
                        _choice('AES-GCM', 'AES-CBC', 'AES-GCM', 'AES-ECB', 'RC4')),
                problem('final_checkbox_bound', 'Question 3', 'Which of these does a delivery file bind, so that it '
                        'can be uploaded for one attempt only?',
                        _checkboxes(('The course', 'The attempt code'), 'The course', 'The attempt code',
                                    'The room number', 'The colour of the screen')),
                problem('final_dropdown_keys', 'Question 4', 'Which key may never leave the server?',
                        _dropdown('The private key', 'The public key', 'The private key', 'The key id')),
            ]),
            ('vertical', 'final_part_c', {'display_name': 'Part C: numbers and formulas'}, [
                problem('final_num_bits', 'Question 5', 'How many bits long is an AES-256 key?', _number('256')),
                problem('final_num_pi', 'Question 6', 'Give pi to two decimals.', _number('3.14', '0.005')),
                problem('final_formula_area', 'Question 7', 'Write the area of a circle of radius r (for example '
                        '2*r, r^2 or pi*r).', _formula('pi*r^2', 'r@1:5#10')),
            ]),
            ('vertical', 'final_part_d', {'display_name': 'Part D: essays'}, [
                ('exam_essay', 'final_essay_offline', {
                    'display_name': 'Question 8',
                    'prompt': 'Explain why an exam platform should keep answers on the device when the network '
                              'fails, and what can go wrong.'}, []),
                ('exam_essay', 'final_essay_procedure', {
                    'display_name': 'Question 9',
                    'prompt': 'Describe, step by step, what an invigilator does when a candidate loses the '
                              'connection for more than a minute.'}, []),
            ]),
            ('vertical', 'final_part_e', {'display_name': 'Part E: confirmation'}, [
                problem('final_signature', 'Question 10', 'Type your initials to confirm the answers are yours.',
                        _text('[A-Za-z. ]{1,10}', kind='regexp')),
            ]),
        ]),
        ('sequential', 'practice_exam', {
            'display_name': 'Practice exam', 'is_time_limited': True, 'is_proctored_enabled': True,
            'is_practice_exam': True, 'default_time_limit_minutes': 15, 'graded': False}, [
            ('vertical', 'practice_unit', {'display_name': 'Practice questions'}, [
                problem('practice_control_word', 'Control word', 'Type "hej" to try the control word.',
                        _text('hej')),
                problem('practice_mc', 'Practice 1', 'How often does the page save your answers?',
                        _choice('Every 15 seconds', 'Every 15 seconds', 'Once an hour', 'Never')),
                ('exam_essay', 'practice_essay', {
                    'display_name': 'Practice 2', 'prompt': 'Write two sentences about anything.'}, []),
            ]),
        ]),
        ('sequential', 'timed_quiz', {
            'display_name': 'Timed quiz', 'is_time_limited': True, 'default_time_limit_minutes': 20,
            'graded': True, 'format': 'Quiz'}, [
            ('vertical', 'timed_unit', {'display_name': 'Quiz'}, [
                problem('timed_num', 'Quiz 1', 'What is 6 times 7?', _number('42')),
                problem('timed_mc', 'Quiz 2', 'Which one is a prime?', _choice('23', '21', '23', '25')),
                problem('timed_text', 'Quiz 3', 'Name a colour of the Swedish flag.', _text('blue', 'yellow')),
            ]),
        ]),
    ]),
]


class Command(BaseCommand):
    """``python manage.py seed_demo``"""

    help = 'Create or refresh the demo course, its exams (registered with edx-proctoring) and its demo users.'

    @transaction.atomic
    def handle(self, *args, **options):
        course_key = CourseKey.from_string(COURSE_ID)
        course, _created = Course.objects.update_or_create(course_key=course_key, defaults={
            'display_name': 'EXAM101: Digital exams on site',
            'enable_proctored_exams': True,
            'allow_proctoring_opt_out': False,
            # The demo's proctored exams are taken in a hall: Studio's Proctoring Provider is the plugin's backend
            # (with edx-proctoring's null backend, frontend-lib-special-exams never starts a proctored exam).
            'proctoring_provider': 'onsite_invigilation',
            'proctoring_escalation_email': 'exam-office@example.invalid',
            'other_course_settings': {'offline_delivery': {'enabled': True, 'autosave_interval_seconds': 15}},
        })
        seen = set()
        self._save_tree(course, None, COURSE_TREE, seen)
        Block.objects.filter(course=course).exclude(id__in=seen).delete()

        users = {demo_user.username: self._save_user(course, demo_user) for demo_user in DEMO_USERS}
        exams = publish_course(course, publisher=users['course_staff'])
        for exam in offline_delivery.list_course_exams(course_key):
            if exam.is_proctored and not offline_delivery.check_invigilator_password(
                    course_key, exam.content_id, INVIGILATOR_PASSWORD):
                offline_delivery.set_invigilator_password(course_key, exam.content_id, INVIGILATOR_PASSWORD,
                                                          set_by=users['course_staff'])
        self.stdout.write(self.style.SUCCESS(
            f'Seeded {course.display_name} ({course_key}): {len(seen)} blocks, {exams} exams, '
            f'{len(users)} users (password "{DEMO_PASSWORD}"), invigilator password "{INVIGILATOR_PASSWORD}".'
        ))
        # make demo's "Logins:" line: the names come from DEMO_USERS, not from the Makefile.
        self.stdout.write(f'  Logins:    {", ".join(users)}')

    def _save_tree(self, course, parent, nodes, seen):
        for position, (block_type, block_id, fields, children) in enumerate(nodes):
            block, _created = Block.objects.update_or_create(
                usage_key=course.course_key.make_usage_key(block_type, block_id),
                defaults={'course': course, 'block_type': block_type, 'parent': parent, 'position': position,
                          'fields': fields},
            )
            seen.add(block.id)
            self._save_tree(course, block, children, seen)

    @staticmethod
    def _save_user(course, demo_user):
        first, _space, last = demo_user.full_name.partition(' ')
        user, _created = get_user_model().objects.update_or_create(username=demo_user.username, defaults={
            'email': f'{demo_user.username}@example.invalid', 'first_name': first, 'last_name': last,
            'is_staff': demo_user.is_staff, 'is_superuser': demo_user.is_staff,
        })
        # Only when it changed: a new hash would sign the user out everywhere (a reset from the start page too).
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=['password'])
        if demo_user.mode:
            CourseEnrollment.objects.update_or_create(user=user, course=course, defaults={
                'mode': demo_user.mode, 'is_active': True})
        if demo_user.course_role:
            CourseAccessRole.objects.get_or_create(user=user, course=course, role=demo_user.course_role)
        return user
