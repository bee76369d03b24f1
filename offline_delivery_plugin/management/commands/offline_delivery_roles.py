"""
``./manage.py lms offline_delivery_roles list|grant|revoke``: the operator's handle on a course's hall roles.

    offline_delivery_roles list --course course-v1:Org+Num+Run
    offline_delivery_roles grant --course course-v1:Org+Num+Run --role invigilator anna erik@example.org
    offline_delivery_roles grant --course course-v1:Org+Num+Run --role chief_invigilator --csv chiefs.csv
    offline_delivery_roles revoke --course course-v1:Org+Num+Run --role invigilator anna

A CSV holds a username or email in the first column of each line (a header ``user`` is skipped). Each account is
changed on its own and audited (channel ``command``); the command lists what it could not do and ends with status
1 if anything was refused.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import CourseNotFound, RoleRefused


class Command(BaseCommand):
    """List, grant and revoke the invigilator and chief-invigilator roles of a course."""

    help = __doc__

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest='action', required=True)
        listing = commands.add_parser('list', help='Who holds which hall role.')
        listing.add_argument('--course', required=True, help='Course id, e.g. course-v1:Org+Num+Run')
        for name, text in (('grant', 'Give the role to the accounts.'), ('revoke', 'Take the role from them.')):
            sub = commands.add_parser(name, help=text)
            sub.add_argument('--course', required=True, help='Course id, e.g. course-v1:Org+Num+Run')
            sub.add_argument('--role', required=True, choices=sorted(api.HALL_ROLE_CODES))
            sub.add_argument('--csv', help='A CSV file with a username or email in its first column.')
            sub.add_argument('users', nargs='*', help='Usernames or emails.')

    def handle(self, *args, **options):
        try:
            course_key = CourseKey.from_string(options['course'])
        except InvalidKeyError as error:
            raise CommandError(f'Not a course id: {error}') from error
        try:
            if options['action'] == 'list':
                for holder in api.list_hall_roles(course_key):
                    self.stdout.write(f'{holder.role:<18} {holder.username}  {holder.email}')
                return
            self._change(course_key, options)
        except (RoleRefused, CourseNotFound) as error:
            raise CommandError(error.user_message) from error

    def _change(self, course_key, options):
        texts = ['\n'.join(options['users'])] if options['users'] else []
        if options.get('csv'):
            try:
                texts.append(Path(options['csv']).read_text(encoding='utf-8-sig'))
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"Cannot read {options['csv']}: {error}") from error
        if not texts:
            raise CommandError('Name the accounts, or give --csv.')
        # The named accounts and the CSV each on their own, so that the CSV's header line is read as its header.
        results = [result for text in texts for result in api.change_hall_roles_from_csv(
            course_key, text, options['role'], actor=None, revoke=options['action'] == 'revoke')]
        refused = [(who, message) for _number, who, message in results if message]
        done = len(results) - len(refused)
        verb = 'given' if options['action'] == 'grant' else 'taken from'
        self.stdout.write(self.style.SUCCESS(f"{options['role']}: {verb} {done} account(s)."))
        for who, message in refused:
            self.stderr.write(f'{who}: {message}')
        if refused:
            raise CommandError(f'{len(refused)} account(s) not changed.', returncode=1)
