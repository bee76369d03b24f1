"""
What the learning MFE reads from the LMS around an exam subsection, for the sandbox's MFE shell
(``sandbox/mfe_shell``): the signed-in user, a sequence's metadata, and one unit rendered chromeless for the unit
iframe. Each view names the LMS view it stands in for, in openedx/openedx-platform at the commit named.
"""
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET
from edx_proctoring import api as proctoring_api
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey
from web_fragments.fragment import Fragment

from sandbox.host import edxapp_backend
from sandbox.host.models import Block
from sandbox.host.runtime import SandboxRuntime
from sandbox.host.views import IN_PROGRESS, OPTED_OUT, _exam, _may_view_course


def _json_error(message, status):
    return JsonResponse({'detail': message}, status=status)


@require_GET
def me(request):
    """
    ``GET /api/user/v1/me``: the signed-in user's username, as the LMS's ``AccountViewSet.get`` answers it
    (openedx/core/djangoapps/user_api/accounts/views.py @ 14f7dc89, routed as ``own_username_api`` in
    user_api/urls.py @ 653695b5): ``{"username": ...}`` for an authenticated user. The learning MFE itself reads the
    user from its JWT cookie; the shell, signed in by the session, asks here.
    """
    if not request.user.is_authenticated:
        return _json_error('Authentication credentials were not provided.', 401)
    return JsonResponse({'username': request.user.username})


def _block(usage_id, block_type):
    try:
        usage_key = UsageKey.from_string(usage_id)
    except InvalidKeyError as error:
        raise Http404('No such block.') from error
    return get_object_or_404(Block.objects.select_related('course'), usage_key=usage_key, block_type=block_type)


@require_GET
def sequence_metadata(request, usage_id):
    """
    ``GET /api/courseware/sequence/<usage_key>``: a subsection's units and exam flags, as the LMS's
    ``SequenceMetadata`` view (openedx/core/djangoapps/courseware_api/views.py @ 5af5f01f) answers from
    ``SequenceBlock.get_metadata`` (xmodule/seq_block.py @ 47bf2679): ``items`` (``id``, ``type``, ``page_title``;
    the LMS adds ``bookmarked``, ``path``, ``graded`` and more, which the shell does not read), ``item_id``,
    ``is_time_limited``, ``is_proctored``, ``display_name``, ``tag``, ``position``, ``gated_content``. One key is the
    sandbox's own: ``allow_proctoring_opt_out``, which the LMS does not return there (the library gets it with the
    exam). 401 without a session, 403 when not enrolled.
    """
    if not request.user.is_authenticated:
        return _json_error('Authentication credentials were not provided.', 401)
    sequence = _block(usage_id, 'sequential')
    if not _may_view_course(request.user, sequence.course):
        return _json_error('You are not enrolled in this course.', 403)
    exam = _exam(sequence.course, sequence)
    fields = sequence.fields
    units = list(sequence.children.filter(block_type='vertical').order_by('position', 'id'))
    return JsonResponse({
        'item_id': str(sequence.usage_key),
        'display_name': sequence.display_name,
        'items': [{'id': str(unit.usage_key), 'type': 'other', 'page_title': unit.display_name} for unit in units],
        'is_time_limited': exam is not None,
        'is_proctored': bool(exam and exam['is_proctored']),
        'allow_proctoring_opt_out': sequence.course.allow_proctoring_opt_out,
        'tag': 'sequential',
        'position': 1,
        'gated_content': {'gated': False},
        'default_time_limit_minutes': fields.get('default_time_limit_minutes'),
    })


def _may_see_exam_unit(user, course, exam):
    """
    An exam's unit shows only while the learner's attempt runs (or to staff). In the LMS, render_xblock sends a unit
    of a gated sequence back to the sequence's own render, where edx-proctoring's interstitial stands in for it
    (views.py @ 03c0a604, ``descendants_are_gated``), and checks an ``exam_access`` token for LTI-proctored exams
    (``_check_sequence_exam_access``); the sandbox keeps the outcome, not the mechanism.
    """
    if exam is None or edxapp_backend.is_course_staff(user, course.course_key):
        return True
    attempt = proctoring_api.get_current_exam_attempt(exam['id'], user.id)
    return bool(attempt and attempt['status'] in (*IN_PROGRESS, OPTED_OUT))


@login_required
@require_GET
@xframe_options_exempt
@ensure_csrf_cookie
def render_xblock(request, usage_id):
    """
    ``GET /xblock/<usage_key>``: one unit, chromeless, for the learning MFE's unit iframe (the LMS's
    ``render_xblock``, lms/djangoapps/courseware/views/views.py @ 03c0a604, routed by lms/urls.py @ 5de04bf2 as
    ``render_xblock``: ``xframe_options_exempt``, ``ensure_csrf_cookie``). The LMS checks course access inside the
    view and has no ``login_required``; the sandbox asks for a session first, as every learner here has one. Its
    exam gating goes through edx-proctoring; here, the unit shows only while the attempt runs (or to staff).
    Framing is limited to this site and the MFE's origin (``frame-ancestors``). The unit runs the plugins' filter
    steps as every unit does; its page tells the MFE its height (``plugin.resize``, which frontend-app-learning's
    ``useIFrameBehavior.ts`` @ a75c89cd reads).
    """
    unit = _block(usage_id, 'vertical')
    course = unit.course
    if not _may_view_course(request.user, course):
        raise Http404('No such block.')
    sequence = unit.parent
    exam = _exam(course, sequence) if sequence is not None else None
    context = {'unit': unit, 'course': course, 'hidden': not _may_see_exam_unit(request.user, course, exam)}
    if not context['hidden']:
        runtime = SandboxRuntime(request.user, course)
        fragment = runtime.render(runtime.get_block(str(unit.usage_key)), 'student_view')
        resources = Fragment()
        resources.add_fragment_resources(fragment)
        context.update({'html': fragment.body_html(), 'resources_head': resources.head_html(),
                        'resources_foot': resources.foot_html()})
    response = render(request, 'host/render_xblock.html', context)
    response['Content-Security-Policy'] = f"frame-ancestors 'self' {settings.SANDBOX_MFE_URL}"
    return response
