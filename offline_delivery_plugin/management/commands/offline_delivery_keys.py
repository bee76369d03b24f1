"""
``./manage.py lms offline_delivery_keys list|create|rotate|rewrap``: the operator's handle on exam keys.
"""
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey

from offline_delivery_plugin import api


class Command(BaseCommand):
    """List, create and rotate exam keys; re-wrap private keys under a new key-encryption key."""

    help = __doc__

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest='action', required=True)
        listing = commands.add_parser('list', help='Key ids, exams and state; never key material.')
        listing.add_argument('--course', help='Only this course id.')
        for name, text in (('create', 'The exam\'s active key, created if it has none.'),
                           ('rotate', 'Retire the exam\'s active key and create a new one.')):
            sub = commands.add_parser(name, help=text)
            sub.add_argument('--course', required=True, help='Course id, e.g. course-v1:Org+Num+Run')
            sub.add_argument('--exam', required=True, help='Usage id of the exam subsection.')
        commands.add_parser('rewrap', help='Re-wrap every private key under OFFLINE_DELIVERY_ACTIVE_KEK_ID.')

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

    def _exam(self, options):
        try:
            course_key = CourseKey.from_string(options['course'])
            UsageKey.from_string(options['exam'])
        except InvalidKeyError as error:
            raise CommandError(f'Not a course id or usage id: {error}') from error
        if options['exam'] not in {exam.content_id for exam in api.list_course_exams(course_key)}:
            raise CommandError(f"{options['exam']} is not an active exam of {course_key}.")
        return course_key, options['exam']

    def _list(self, options):
        course_key = CourseKey.from_string(options['course']) if options.get('course') else None
        for key in api.list_exam_keys(course_key):
            state = f'retired {key.retired:%Y-%m-%d %H:%M}' if key.retired else 'active'
            self.stdout.write(f'{key.kid}  {state:<22} kek={key.kek_id}  {key.course_id}  {key.content_id}')

    def _create(self, options):
        key = api.get_active_exam_key(*self._exam(options))
        self.stdout.write(self.style.SUCCESS(f'Active key of the exam: {key.kid}'))

    def _rotate(self, options):
        key = api.rotate_exam_key(*self._exam(options))
        self.stdout.write(self.style.SUCCESS(
            f'New active key {key.kid}; the previous key is retired and still opens files written to it.'))

    def _rewrap(self, options):
        count = api.rewrap_all_keys()
        self.stdout.write(self.style.SUCCESS(f'Re-wrapped {count} key(s) under the active key-encryption key.'))
