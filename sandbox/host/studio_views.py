"""
The sandbox's Studio pages: Advanced Settings and a subsection's exam settings, doing what Studio does with them
(store the course and block fields, then publish, which keeps edx-proctoring's exams in step).

Course staff only, as in Studio. Bad input is shown back with a message per field, and nothing is saved.
"""
import json
import re

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey

from sandbox.host import edxapp_backend
from sandbox.host.models import Block
from sandbox.host.studio import available_providers, proctoring_provider, publish_course
from sandbox.host.views import _course_or_404, _denied

#: "Set as a Special Exam" choices, in Studio's words.
EXAM_TYPES = (('none', 'None'), ('timed', 'Timed'), ('proctored', 'Proctored'), ('practice', 'Practice Proctored'))
TIME_ALLOTTED = re.compile(r'^(\d{1,2}):([0-5]\d)$')
REVIEW_RULES_MAX = 4000


def _staff_course(request, course_id):
    course = _course_or_404(course_id)
    if not edxapp_backend.is_course_staff(request.user, course.course_key):
        return course, _denied(request, course, 'Studio is for the course team.')
    return course, None


@login_required
def advanced_settings(request, course_id):
    """
    The course's Advanced Settings that matter for exams: Enable Proctored Exams, Allow Opting Out of Proctored
    Exams, Proctoring Provider (one of ``PROCTORING_BACKENDS``), and Other Course Settings (a JSON object, saved as
    typed: Studio checks its fields' types only, ``CourseMetadata.validate_and_update_from_json``, and calls no
    plugin; the plugin checks its ``offline_delivery`` keys after the publish and shows the result on its course
    page).
    """
    course, denied = _staff_course(request, course_id)
    if denied:
        return denied
    errors, saved = {}, False
    form = {
        'enable_proctored_exams': course.enable_proctored_exams,
        'allow_proctoring_opt_out': course.allow_proctoring_opt_out,
        'proctoring_provider': proctoring_provider(course),
        'other_course_settings': json.dumps(course.other_course_settings, indent=2, ensure_ascii=False),
    }
    if request.method == 'POST':
        form = {
            'enable_proctored_exams': request.POST.get('enable_proctored_exams') == 'on',
            'allow_proctoring_opt_out': request.POST.get('allow_proctoring_opt_out') == 'on',
            'proctoring_provider': request.POST.get('proctoring_provider', proctoring_provider(course)),
            'other_course_settings': request.POST.get('other_course_settings', ''),
        }
        if form['proctoring_provider'] not in available_providers():
            errors['proctoring_provider'] = 'Choose one of: {}.'.format(', '.join(available_providers()))
        other = _other_course_settings(form['other_course_settings'], errors)
        if not errors:
            with transaction.atomic():
                course.enable_proctored_exams = form['enable_proctored_exams']
                course.allow_proctoring_opt_out = form['allow_proctoring_opt_out']
                course.proctoring_provider = form['proctoring_provider']
                course.other_course_settings = other
                course.save()
                publish_course(course, request.user)
            return redirect(f'{request.path}?saved=1')
    saved = request.GET.get('saved') == '1'
    return render(request, 'host/studio_advanced.html', {
        'course': course, 'form': form, 'errors': errors, 'saved': saved, 'providers': available_providers(),
    }, status=400 if errors else 200)


def _other_course_settings(text, errors):
    try:
        other = json.loads(text or '{}')
    except ValueError as error:
        errors['other_course_settings'] = f'Not valid JSON: {error}.'
        return None
    if not isinstance(other, dict):
        errors['other_course_settings'] = 'Must be a JSON object, e.g. {"offline_delivery": {"enabled": true}}.'
        return None
    return other


@login_required
def subsection_settings(request, course_id, usage_id):
    """
    A subsection's "Advanced" settings: Set as a Special Exam (None, Timed, Proctored, Practice Proctored), Time
    Allotted (HH:MM) and Review Rules, with the guide's advice. Practice exams are saved ungraded and visible to
    every track; proctored kinds are offered only where the course has proctored exams enabled.
    """
    course, denied = _staff_course(request, course_id)
    if denied:
        return denied
    try:
        usage_key = UsageKey.from_string(usage_id)
    except InvalidKeyError:
        usage_key = None
    subsection = get_object_or_404(Block, course=course, usage_key=usage_key, block_type='sequential')
    fields = subsection.fields
    form = {
        'exam_type': _exam_type(fields),
        'time_allotted': _hh_mm(fields.get('default_time_limit_minutes') or 0),
        'exam_review_rules': fields.get('exam_review_rules', ''),
    }
    errors = {}
    if request.method == 'POST':
        form = {key: request.POST.get(key, '').strip() for key in form}
        updates = _exam_fields(form, course, errors)
        if not errors:
            with transaction.atomic():
                subsection.fields = {**fields, **updates}
                subsection.save(update_fields=['fields'])
                publish_course(course, request.user)
            return redirect(f'{request.path}?saved=1')
    return render(request, 'host/studio_subsection.html', {
        'course': course, 'subsection': subsection, 'form': form, 'errors': errors,
        'exam_types': [(value, label) for value, label in EXAM_TYPES
                       if course.enable_proctored_exams or value in ('none', 'timed')],
        'saved': request.GET.get('saved') == '1', 'review_rules_max': REVIEW_RULES_MAX,
    }, status=400 if errors else 200)


def _exam_type(fields):
    if not fields.get('is_time_limited'):
        return 'none'
    if fields.get('is_practice_exam'):
        return 'practice'
    return 'proctored' if fields.get('is_proctored_enabled') else 'timed'


def _hh_mm(minutes):
    return f'{minutes // 60:02d}:{minutes % 60:02d}'


def _exam_fields(form, course, errors):
    exam_type = form['exam_type']
    allowed = {value for value, _label in EXAM_TYPES if course.enable_proctored_exams or value in ('none', 'timed')}
    if exam_type not in allowed:
        errors['exam_type'] = 'Choose one of the kinds offered (proctored kinds need Enable Proctored Exams).'
        return {}
    if exam_type == 'none':
        return {'is_time_limited': False, 'is_proctored_enabled': False, 'is_practice_exam': False}
    match = TIME_ALLOTTED.match(form['time_allotted'])
    minutes = int(match[1]) * 60 + int(match[2]) if match else 0
    if not match or minutes == 0:
        errors['time_allotted'] = 'Enter the time as HH:MM, e.g. 01:30, more than 00:00.'
    rules = form['exam_review_rules']
    if len(rules) > REVIEW_RULES_MAX:
        errors['exam_review_rules'] = f'At most {REVIEW_RULES_MAX} characters.'
    updates = {
        'is_time_limited': True,
        'is_proctored_enabled': exam_type in ('proctored', 'practice'),
        'is_practice_exam': exam_type == 'practice',
        'default_time_limit_minutes': minutes,
        'exam_review_rules': rules if exam_type == 'proctored' else '',
    }
    if exam_type == 'practice':
        updates['graded'] = False  # the guide: practice exams are ungraded
    return updates
