"""
The sandbox's pages: a landing page (and the demo's reset), the course outline, ``jump_to`` and the XBlock handler.

Learners take the course in the learning MFE (the sandbox's shell, ``sandbox/mfe_shell``), as on every Open edX
release since the legacy courseware was removed: the outline links to it, and it shows each unit in an iframe of
``render_xblock`` (``courseware_api``).
"""
import io
import json
import mimetypes
from types import SimpleNamespace

import rules
from django.conf import settings
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

from sandbox.host import edxapp_backend
from sandbox.host.demo import COURSE_ID, DEMO_PASSWORD, DEMO_USERS, INVIGILATOR_PASSWORD
from sandbox.host.middleware import LANGUAGES, remember_language
from sandbox.host.models import Block, Course, CourseEnrollment, UserPreference
from sandbox.host.runtime import SandboxRuntime
from sandbox.host.xblocks import BLOCK_TYPES

IN_PROGRESS = ('started', 'ready_to_submit')
#: edx-proctoring's status for a proctored exam taken as an open exam: the LMS then shows it as a plain subsection.
OPTED_OUT = 'declined'


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
            entry['url'] = learning_mfe_url(course, entry['block'])
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


def jump_to(request, course_id, location):
    """
    Redirect to the learning MFE's page of the subsection holding ``location``: the LMS's ``jump_to``
    (lms/djangoapps/courseware/views/views.py @ 03c0a604) redirects to ``get_courseware_url``, the MFE's, since the
    legacy courseware was removed. A location outside any subsection goes to the course outline.
    """
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
    return redirect(learning_mfe_url(course, block))


def learning_mfe_url(course, subsection):
    """The learning MFE's page of ``subsection`` (``/course/<course>/<sequence>``, its route since Lilac)."""
    return f'{settings.LEARNING_MICROFRONTEND_URL}/course/{course.course_key}/{subsection.usage_key}'


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
