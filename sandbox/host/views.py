"""
The sandbox's pages: a landing page (and the demo's reset), the course outline, a subsection (exam) page and the
XBlock handler.

They stand in for the LMS courseware, and reach edx-proctoring the way the LMS and its learning MFE do: the
Python API for reading, its REST API (from the page) for starting and submitting attempts.
"""
import contextlib
import io
import json
import mimetypes
from types import SimpleNamespace

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.management import call_command
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from edx_proctoring import api as proctoring_api
from edx_proctoring.exceptions import ProctoredExamNotFoundException
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey, UsageKey
from web_fragments.fragment import Fragment
from xblock.django.request import django_to_webob_request, webob_to_django_response
from xblock.exceptions import DisallowedFileError, NoSuchHandlerError

from offline_delivery_plugin import api as offline_delivery
from sandbox.host import edxapp_backend
from sandbox.host.demo import COURSE_ID, DEMO_PASSWORD, DEMO_USERS, INVIGILATOR_PASSWORD
from sandbox.host.middleware import LANGUAGES, remember_language
from sandbox.host.models import Block, Course, CourseEnrollment, UserPreference
from sandbox.host.runtime import SandboxRuntime
from sandbox.host.xblocks import BLOCK_TYPES

IN_PROGRESS = ('started', 'ready_to_submit')
#: edx-proctoring's status for a proctored exam taken as an open exam: the LMS then shows it as a plain subsection.
OPTED_OUT = 'declined'
PROCTORED_MODES = ('verified', 'professional', 'no-id-professional', 'masters', 'executive-education')


def landing(request):
    """Who is who in the demo, the password, and where each person goes."""
    return render(request, 'host/landing.html', {
        'users': DEMO_USERS,
        'password': DEMO_PASSWORD,
        'invigilator_password': INVIGILATOR_PASSWORD,
        'courses': Course.objects.order_by('display_name'),
        'demo_course_id': COURSE_ID,
        'may_reset_demo': _may_reset_demo(request.user),
    })


def _may_reset_demo(user):
    """The operator (global staff) and the demo course's staff may reset it."""
    return edxapp_backend.is_course_staff(user, CourseKey.from_string(COURSE_ID))


@login_required
@require_POST
def reset_demo(request):
    """
    *Reset the demo course* on the start page: ``reset_demo`` (``make demo-reset``) as the signed-in staff member,
    once they confirmed that every attempt, answer, request and report of the course goes.
    """
    if not _may_reset_demo(request.user):
        return HttpResponseForbidden('Only the operator and the course staff may reset the demo course.')
    if request.POST.get('confirm') != 'yes':
        return HttpResponseBadRequest('Tick the box to confirm that everything done in the demo course is deleted.')
    call_command('reset_demo', username=request.user.username, stdout=io.StringIO())
    messages.success(request, 'The demo course is back to its first state.')
    return redirect('host:landing')


def _course_or_404(course_id):
    try:
        course_key = CourseKey.from_string(course_id)
    except InvalidKeyError:
        course_key = None
    return get_object_or_404(Course, course_key=course_key)


def _may_view_course(user, course):
    return edxapp_backend.is_course_staff(user, course.course_key) or bool(
        edxapp_backend.get_enrollment_mode(user, course.course_key)
    ) or any(
        edxapp_backend.has_course_role(user, course.course_key, role)
        for role in ('offline_delivery_invigilator', 'offline_delivery_chief_invigilator')
    )


def _exam(course, subsection):
    try:
        exam = proctoring_api.get_exam_by_content_id(str(course.course_key), str(subsection.usage_key))
    except ProctoredExamNotFoundException:
        return None
    return exam if exam['is_active'] else None


def _exam_type(exam):
    if exam is None:
        return ''
    if exam['is_practice_exam']:
        return 'practice'
    return 'proctored' if exam['is_proctored'] else 'timed'


def _denied(request, course, reason):
    return render(request, 'host/denied.html', {'course': course, 'reason': reason}, status=403)


@login_required
def course_outline(request, course_id):
    """The course's sections and subsections, with the kind of exam each one is."""
    course = _course_or_404(course_id)
    if not _may_view_course(request.user, course):
        return _denied(request, course, 'You are not enrolled in this course.')
    chapters = []
    for chapter in Block.objects.filter(course=course, block_type='chapter'):
        subsections = [
            {'block': subsection, 'exam_type': _exam_type(_exam(course, subsection))}
            for subsection in chapter.children.filter(block_type='sequential')
        ]
        for entry in subsections:
            entry['monitor'] = bool(entry['exam_type']) and rules.has_perm(
                'offline_delivery_plugin.view_monitor', request.user, course.course_key)
        chapters.append({'block': chapter, 'subsections': subsections})
    return render(request, 'host/outline.html', {
        'course': course, 'chapters': chapters,
        'is_staff': edxapp_backend.is_course_staff(request.user, course.course_key),
        'sees_exams': rules.has_perm('offline_delivery_plugin.view_exams', request.user, course.course_key),
    })


@login_required
def instructor_dashboard(request, course_id):
    """
    The legacy Instructor Dashboard at small scale: course staff only, a section of its own, then whatever
    sections plugins add through openedx-filters' ``InstructorDashboardRenderStarted`` (run exactly where the
    LMS's ``instructor_dashboard_2`` runs it, with the course and the sections in the context).
    """
    # pylint: disable=import-outside-toplevel
    from openedx_filters.learning.filters import InstructorDashboardRenderStarted

    course = _course_or_404(course_id)
    if not edxapp_backend.is_course_staff(request.user, course.course_key):
        return _denied(request, course, 'The Instructor Dashboard is for the course team.')
    info = Fragment(render_to_string('host/instructor_course_info.html', {
        'course': course, 'enrolled': CourseEnrollment.objects.filter(course=course, is_active=True).count(),
    }))
    context = {
        'course': SimpleNamespace(id=course.course_key, display_name=course.display_name),
        'sections': [{'section_key': 'course_info', 'section_display_name': 'Course Info', 'fragment': info}],
    }
    context, template_name = InstructorDashboardRenderStarted.run_filter(
        context=context, template_name='host/instructor_dashboard.html')
    return render(request, template_name, {**context, 'course_obj': course})


def _render_units(user, course, subsection):
    """Each unit rendered by the XBlock runtime (units run the plugins' filter steps, as in the LMS)."""
    runtime = SandboxRuntime(user, course)
    resources = Fragment()
    units = []
    for vertical in subsection.children.all():
        fragment = runtime.render(runtime.get_block(str(vertical.usage_key)), 'student_view')
        resources.add_fragment_resources(fragment)
        units.append({'block': vertical, 'html': fragment.body_html()})
    return units, resources


@login_required
def subsection(request, course_id, usage_id):
    """
    A subsection. An exam shows its start page until the learner's attempt is started, then its items and the
    time left; afterwards the attempt's status.
    """
    course = _course_or_404(course_id)
    try:
        usage_key = UsageKey.from_string(usage_id)
    except InvalidKeyError:
        usage_key = None
    block = get_object_or_404(Block, course=course, usage_key=usage_key, block_type='sequential')
    if not _may_view_course(request.user, course):
        return _denied(request, course, 'You are not enrolled in this course.')

    exam = _exam(course, block)
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], request.user.id) if exam else None
    context = {
        'course': course,
        'subsection': block,
        'exam': exam,
        'exam_type': _exam_type(exam),
        'attempt': attempt,
        'enrollment_mode': edxapp_backend.get_enrollment_mode(request.user, course.course_key),
    }
    if exam is not None:
        context.update(_learner_exam_context(request.user, course, exam, attempt, context['enrollment_mode']))
    open_exam = bool(attempt and attempt['status'] == OPTED_OUT)
    context['open_exam'] = open_exam
    if exam is None or open_exam or (attempt and attempt['status'] in IN_PROGRESS):
        if attempt and not open_exam:
            # What the learning MFE's timer reads: the seconds left, allowances and pauses included.
            context['time_remaining_seconds'] = proctoring_api.get_exam_attempt_data(
                exam['id'], attempt['id'])['time_remaining_seconds']
            # The plugin's candidate page takes over saving and the timer where the course turned it on.
            context['offline_delivery'] = offline_delivery.get_course_delivery_settings(course.course_key).enabled
        units, resources = _render_units(request.user, course, block)
        context.update({'units': units, 'resources_head': resources.head_html(),
                        'resources_foot': resources.foot_html()})
    return render(request, 'host/subsection.html', context)


#: What a learner reads of a proctored attempt's review, as the guide words it.
REVIEW_RESULTS = {'submitted': 'Pending', 'second_review_required': 'Pending', 'verified': 'Satisfactory',
                  'rejected': 'Unsatisfactory'}


def _learner_exam_context(user, course, exam, attempt, mode):
    """
    The exam's start page as the LMS shows it: the track rule (proctored exams for the verified track; practice
    and timed exams for every track), the choice between proctored and open exam where the course allows opting
    out, the learner's own time and the rules (from the plugin), and afterwards the review result.
    """
    proctored = exam['is_proctored'] and not exam['is_practice_exam']
    context = {
        'track_ok': not proctored or mode in PROCTORED_MODES or edxapp_backend.is_course_staff(user, course.course_key),
        'may_opt_out': proctored and course.allow_proctoring_opt_out,
        'review_result': REVIEW_RESULTS.get(attempt['status'], '') if attempt and exam['is_proctored'] and
        attempt['taking_as_proctored'] else '',
    }
    if mode:
        with contextlib.suppress(offline_delivery.RequestRefused):  # an exam the plugin does not know: no view
            context['learner_exam'] = offline_delivery.get_learner_exam(user, course.course_key,
                                                                             exam['content_id'])
    return context


def jump_to(request, course_id, location):
    """Redirect to the subsection holding ``location`` (the LMS's ``jump_to``)."""
    course = _course_or_404(course_id)
    try:
        usage_key = UsageKey.from_string(location)
    except InvalidKeyError:
        usage_key = None
    block = get_object_or_404(Block, course=course, usage_key=usage_key)
    while block.block_type != 'sequential' and block.parent is not None:
        block = block.parent
    if block.block_type != 'sequential':
        return redirect('host:course', course_id=str(course.course_key))
    return redirect('host:subsection', course_id=str(course.course_key), usage_id=str(block.usage_key))


def _exam_of_item(item):
    """The exam subsection an item belongs to, or None."""
    ancestor = item.parent
    while ancestor is not None and ancestor.block_type != 'sequential':
        ancestor = ancestor.parent
    return _exam(item.course, ancestor) if ancestor is not None else None


@login_required
@require_POST
def xblock_handler(request, usage_id, handler, suffix=''):
    """
    Run an item's handler for the logged-in learner. Items of an exam answer only while the learner's attempt
    is in progress, as a submitted exam must not change.
    """
    try:
        usage_key = UsageKey.from_string(usage_id)
    except InvalidKeyError:
        return JsonResponse({'error': 'Unknown item.'}, status=404)
    item = Block.objects.select_related('course', 'parent__parent').filter(usage_key=usage_key).first()
    if item is None:
        return JsonResponse({'error': 'Unknown item.'}, status=404)
    if not _may_view_course(request.user, item.course):
        return HttpResponseForbidden(json.dumps({'error': 'You are not enrolled in this course.'}),
                                     content_type='application/json')
    exam = _exam_of_item(item)
    if exam is not None:
        attempt = proctoring_api.get_current_exam_attempt(exam['id'], request.user.id)
        if not attempt or attempt['status'] not in (*IN_PROGRESS, OPTED_OUT):
            return JsonResponse({'error': 'The exam is not in progress: answers can no longer change.'},
                                status=409)
    runtime = SandboxRuntime(request.user, item.course)
    block = runtime.get_block(str(item.usage_key))
    try:
        response = runtime.handle(block, handler, django_to_webob_request(request), suffix)
    except NoSuchHandlerError:
        return JsonResponse({'error': f'No handler {handler}.'}, status=404)
    return webob_to_django_response(response)


@require_GET
def xblock_resource(request, block_type, uri):  # pylint: disable=unused-argument
    """
    A file an XBlock ships for its pages (its ``public/`` JavaScript and CSS), as the LMS's ``xblock_resource``
    view serves it (``openedx/core/djangoapps/common_views/xblock.py``): the block class opens it, which refuses
    paths outside its public folder.
    """
    block_class = BLOCK_TYPES.get(block_type)
    if block_class is None:
        raise Http404('Unknown block type.')
    try:
        content = block_class.open_local_resource(uri)
    except (DisallowedFileError, OSError) as error:
        raise Http404('No such resource.') from error
    return HttpResponse(content.read(), content_type=mimetypes.guess_type(uri)[0] or 'application/octet-stream')


@login_required
@require_POST
def set_language(request):
    """The account's language (the LMS's account settings): kept as the ``pref-lang`` preference."""
    language = request.POST.get('language', '')
    if language not in LANGUAGES:
        return HttpResponseBadRequest('Unknown language.')
    UserPreference.objects.update_or_create(user=request.user, key=UserPreference.LANGUAGE,
                                            defaults={'value': language})
    remember_language(request, language)
    back = request.POST.get('next', '')
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = '/'
    return redirect(back)
