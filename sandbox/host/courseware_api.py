"""
What the learning MFE reads from the LMS around an exam subsection, for the sandbox's MFE shell
(``sandbox/mfe_shell``): the signed-in user, a sequence's metadata, and one unit rendered chromeless for the unit
iframe. Each view names the LMS view it stands in for (read at openedx/openedx-platform and edx-platform as named).
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
    ``GET /api/user/v1/me``: the signed-in user's username (the LMS's ``user_api`` "me" view answers the same). The
    learning MFE itself reads the user from its JWT cookie; the shell, signed in by the session, asks here.
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
    ``SequenceMetadata`` view answers from ``SequenceBlock.get_metadata`` (openedx/core/djangoapps/courseware_api,
    xmodule/seq_block.py): ``items`` (``id``, ``type``, ``page_title``), ``is_time_limited``, ``is_proctored``,
    ``allow_proctoring_opt_out``, ``display_name``, ``gated_content``. 401 without a session, 403 when not enrolled.
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
    """The LMS shows an exam's unit only while the learner's attempt runs (or to staff): render_xblock's exam
    access check (lms/djangoapps/courseware/views/views.py, ``_check_sequence_exam_access``)."""
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
    ``render_xblock``, lms/djangoapps/courseware/views/views.py: ``xframe_options_exempt``, ``ensure_csrf_cookie``).
    Framing is limited to this site and the MFE's origin (``frame-ancestors``). The unit runs the plugins' filter
    steps as every unit does; its page tells the MFE its height (``plugin.resize``).
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
