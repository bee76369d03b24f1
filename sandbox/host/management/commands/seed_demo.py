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

# The course tree: (block_type, block_id, fields, children). Items are the sandbox's XBlocks.
COURSE_TREE = [
    ('chapter', 'week1', {'display_name': 'Week 1: Getting started'}, [
        ('sequential', 'welcome', {'display_name': 'Welcome'}, [
            ('vertical', 'welcome_unit', {'display_name': 'About this course'}, [
                ('exam_short_text', 'welcome_name', {
                    'display_name': 'Warm-up', 'prompt': 'What should we call you?'}, []),
            ]),
        ]),
    ]),
    ('chapter', 'exams', {'display_name': 'Exams'}, [
        ('sequential', 'final_exam', {
            'display_name': 'Final exam (proctored)', 'is_time_limited': True, 'is_proctored_enabled': True,
            'default_time_limit_minutes': 60, 'exam_review_rules': FINAL_EXAM_RULES, 'graded': True,
            'format': 'Final Exam'}, [
            ('vertical', 'final_part_a', {'display_name': 'Part A: short answers'}, [
                ('exam_short_text', 'final_control_word', {
                    'display_name': 'Control word',
                    'prompt': 'Type the control word the invigilator gives you (for example "hej"), or your name.',
                    'max_length': 100}, []),
                ('exam_short_text', 'final_term', {
                    'display_name': 'Question 1',
                    'prompt': 'Name the protocol that encrypts web traffic between a browser and a server.'}, []),
                ('exam_multiple_choice', 'final_mc_cipher', {
                    'display_name': 'Question 2', 'prompt': 'Which of these is an authenticated encryption mode?',
                    'choices': ['AES-CBC', 'AES-GCM', 'AES-ECB', 'RC4']}, []),
                ('exam_multiple_choice', 'final_mc_keys', {
                    'display_name': 'Question 3', 'prompt': 'Which key may never leave the server?',
                    'choices': ['The public key', 'The private key', 'The key id']}, []),
                ('exam_numeric', 'final_num_bits', {
                    'display_name': 'Question 4', 'prompt': 'How many bits long is an AES-256 key?'}, []),
                ('exam_numeric', 'final_num_pi', {
                    'display_name': 'Question 5', 'prompt': 'Give pi to two decimals.'}, []),
            ]),
            ('vertical', 'final_part_b', {'display_name': 'Part B: essays'}, [
                ('exam_essay', 'final_essay_offline', {
                    'display_name': 'Question 6',
                    'prompt': 'Explain why an exam platform should keep answers on the device when the network '
                              'fails, and what can go wrong.'}, []),
                ('exam_essay', 'final_essay_procedure', {
                    'display_name': 'Question 7',
                    'prompt': 'Describe, step by step, what an invigilator does when a candidate loses the '
                              'connection for more than a minute.'}, []),
                ('exam_short_text', 'final_signature', {
                    'display_name': 'Question 8', 'prompt': 'Type your initials to confirm the answers are yours.',
                    'max_length': 10}, []),
            ]),
        ]),
        ('sequential', 'practice_exam', {
            'display_name': 'Practice exam', 'is_time_limited': True, 'is_proctored_enabled': True,
            'is_practice_exam': True, 'default_time_limit_minutes': 15, 'graded': False}, [
            ('vertical', 'practice_unit', {'display_name': 'Practice questions'}, [
                ('exam_short_text', 'practice_control_word', {
                    'display_name': 'Control word', 'prompt': 'Type "hej" to try the control word.'}, []),
                ('exam_multiple_choice', 'practice_mc', {
                    'display_name': 'Practice 1', 'prompt': 'How often does the page save your answers?',
                    'choices': ['Every 15 seconds', 'Once an hour', 'Never']}, []),
                ('exam_essay', 'practice_essay', {
                    'display_name': 'Practice 2', 'prompt': 'Write two sentences about anything.'}, []),
            ]),
        ]),
        ('sequential', 'timed_quiz', {
            'display_name': 'Timed quiz', 'is_time_limited': True, 'default_time_limit_minutes': 20,
            'graded': True, 'format': 'Quiz'}, [
            ('vertical', 'timed_unit', {'display_name': 'Quiz'}, [
                ('exam_numeric', 'timed_num', {'display_name': 'Quiz 1', 'prompt': 'What is 6 times 7?'}, []),
                ('exam_multiple_choice', 'timed_mc', {
                    'display_name': 'Quiz 2', 'prompt': 'Which one is a prime?', 'choices': ['21', '23', '25']}, []),
                ('exam_short_text', 'timed_text', {
                    'display_name': 'Quiz 3', 'prompt': 'Name a colour of the Swedish flag.'}, []),
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
