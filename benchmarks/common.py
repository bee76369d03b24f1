"""
What every benchmark needs: Django on the bench database, exam courses of a given size, candidates with started
attempts, and the result line.
"""
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchmarks.settings')


def setup():
    """Django, migrated, with the demo seeded (keys, roles, the invigilator password)."""
    import django  # pylint: disable=import-outside-toplevel

    django.setup()
    from io import StringIO  # pylint: disable=import-outside-toplevel

    from django.core.management import call_command  # pylint: disable=import-outside-toplevel

    call_command('migrate', verbosity=0)
    call_command('seed_demo', verbosity=0, stdout=StringIO())


def exam_course(name, items):
    """
    A course with one timed exam of ``items`` capa problems, offline delivery on and the demo's invigilator password
    set (a delivery file is co-signed with it): (course, exam).
    """
    # pylint: disable=import-outside-toplevel
    from edx_proctoring import api as proctoring_api
    from opaque_keys.edx.keys import CourseKey

    from offline_delivery_plugin import api
    from sandbox.host.demo import INVIGILATOR_PASSWORD
    from sandbox.host.models import Block, Course, CourseAccessRole
    from sandbox.host.studio import publish_course

    key = CourseKey.from_string(f'course-v1:Bench+{name}+2026')
    course, created = Course.objects.get_or_create(course_key=key, defaults={
        'display_name': f'Bench {name}', 'enable_proctored_exams': True,
        'other_course_settings': {'offline_delivery': {'enabled': True}},
    })
    if created:
        chapter = Block.objects.create(course=course, block_type='chapter', position=0,
                                       usage_key=key.make_usage_key('chapter', 'c'), fields={'display_name': 'C'})
        exam = Block.objects.create(course=course, parent=chapter, block_type='sequential', position=0,
                                    usage_key=key.make_usage_key('sequential', 'exam'),
                                    fields={'display_name': f'Exam of {items}', 'is_time_limited': True,
                                            'default_time_limit_minutes': 600})
        unit = Block.objects.create(course=course, parent=exam, block_type='vertical', position=0,
                                    usage_key=key.make_usage_key('vertical', 'u'), fields={'display_name': 'U'})
        Block.objects.bulk_create(
            Block(course=course, parent=unit, block_type='problem', position=n,
                  usage_key=key.make_usage_key('problem', f'q{n}'),
                  fields={'display_name': f'Q{n}', 'data': PROBLEM_OLX.format(n=n)})
            for n in range(items))
        from django.contrib.auth import get_user_model  # pylint: disable=import-outside-toplevel

        staff = get_user_model().objects.get(username='course_staff')
        CourseAccessRole.objects.create(user=staff, course=course, role='staff')
        publish_course(course, staff)
        api.set_invigilator_password(key, str(key.make_usage_key('sequential', 'exam')), INVIGILATOR_PASSWORD,
                                     set_by=staff)
    content_id = str(key.make_usage_key('sequential', 'exam'))
    return course, proctoring_api.get_exam_by_content_id(str(key), content_id)


#: Each bench item is a real capa problem (a text line any answer is right for), as the demo's control word.
PROBLEM_OLX = ('<problem><stringresponse answer=".+" type="regexp"><label>Question {n}</label>'
               '<textline size="40"/></stringresponse></problem>')


def answer_field(item_id):
    """The page's key of a bench item's answer: the item and capa's name of its only input."""
    return f'{item_id}#input_{item_id.rsplit("@", 1)[1]}_2_1'


def candidates(course, count, prefix):
    """``count`` verified learners enrolled in ``course`` (made in bulk)."""
    # pylint: disable=import-outside-toplevel
    from django.contrib.auth import get_user_model

    from sandbox.host.models import CourseEnrollment

    user_model = get_user_model()
    existing = list(user_model.objects.filter(username__startswith=f'{prefix}_').order_by('id'))
    if len(existing) < count:
        user_model.objects.bulk_create(
            user_model(username=f'{prefix}_{n}', email=f'{prefix}_{n}@example.invalid', password='!')
            for n in range(len(existing), count))
    users = list(user_model.objects.filter(username__startswith=f'{prefix}_').order_by('id')[:count])
    enrolled = set(CourseEnrollment.objects.filter(course=course).values_list('user_id', flat=True))
    CourseEnrollment.objects.bulk_create(CourseEnrollment(user=u, course=course, mode='verified')
                                         for u in users if u.id not in enrolled)
    return users


def start_attempts(exam, users):
    """A started attempt per user, through edx-proctoring's API (what the exam page's Start button does)."""
    from edx_proctoring import api as proctoring_api  # pylint: disable=import-outside-toplevel

    attempts = []
    for user in users:
        current = proctoring_api.get_current_exam_attempt(exam['id'], user.id)
        if current is not None and current['status'] == 'started':
            attempts.append(current)
            continue
        if current is not None:
            proctoring_api.remove_exam_attempt(current['id'], user, require_backend_removal=False)
        attempt_id = proctoring_api.create_exam_attempt(exam['id'], user.id, taking_as_proctored=False)
        proctoring_api.update_attempt_status(attempt_id, 'started')
        attempts.append(proctoring_api.get_exam_attempt_by_id(attempt_id))
    return attempts


def machine():
    """Where the figures come from."""
    cpu = 'unknown CPU'
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    memory = ''
    try:
        kib = int(Path('/proc/meminfo').read_text().split()[1])
        memory = f', {kib / 2**20:.0f} GiB'
    except (OSError, ValueError, IndexError):
        pass
    mariadb = subprocess.run(['mariadb', '--version'], capture_output=True, text=True, check=False).stdout.strip()
    return (f'{os.cpu_count()} cores ({cpu}){memory}, {platform.machine()}, Python {platform.python_version()}, '
            f'{mariadb.split(",")[0] if mariadb else "MariaDB"}')


def result(bench, value, unit, floor, cost, floor_cost, **extra):
    """One result: ``cost_ratio`` is our cost over the floor's (lower is better; 1.0 is the floor)."""
    line = {'bench': bench, 'value': round(value, 3), 'unit': unit, 'floor': round(floor, 4),
            'cost_ratio': round(cost / floor_cost, 2) if floor_cost else None, **extra}
    print(json.dumps(line), flush=True)
    return line


def session_key(user):
    """A logged-in session for ``user`` (as after the login page), without going through the login form."""
    # pylint: disable=import-outside-toplevel
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()  # in the cache, as the LMS keeps them
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
