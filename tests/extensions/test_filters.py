"""
The openedx-filters step that adds the candidate page to exam units, run through the real filter pipeline.
"""
import pytest
from django.test import override_settings
from openedx_filters.learning.filters import VerticalBlockRenderCompleted
from web_fragments.fragment import Fragment

from sandbox.host.models import Course
from sandbox.host.runtime import SandboxRuntime
from tests.helpers import start_exam

CONFIG = {
    'org.openedx.learning.vertical_block.render.completed.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddCandidatePageToExamUnits'],
    },
}


def run(user, demo, unit_id, view='student_view', config=CONFIG):
    course = Course.objects.get(course_key=demo.course_key)
    runtime = SandboxRuntime(user, course)
    block = runtime.get_block(str(demo.course_key.make_usage_key('vertical', unit_id)))
    with override_settings(OPEN_EDX_FILTERS_CONFIG=config):
        _block, fragment, _context, _view = VerticalBlockRenderCompleted.run_filter(
            block=block, fragment=Fragment('<p>unit</p>'), context={}, view=view)
    return fragment


def urls(fragment):
    return [resource.data for resource in fragment.resources if resource.kind == 'url']


def test_an_exam_unit_in_progress_gets_the_candidate_page(client, demo):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    fragment = run(demo.verified_learner, demo, 'final_part_a')
    assert fragment.content.startswith('<div id="offline-delivery"')
    assert f'data-attempt-id="{attempt["id"]}"' in fragment.content
    assert fragment.content.endswith('<p>unit</p>')
    assert urls(fragment) == ['/static/offline_delivery_plugin/css/candidate.css',
                              '/static/offline_delivery_plugin/js/candidate.js']


@pytest.mark.parametrize('case', ['no attempt', 'offline off', 'not an exam', 'public view', 'not configured',
                                  'submitted'])
def test_every_other_unit_is_left_as_rendered(client, demo, case):
    attempt = None
    if case not in ('no attempt',):
        attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    if case == 'offline off':
        demo.course.other_course_settings = {}
        demo.course.save()
    if case == 'submitted':
        from tests.helpers import submit_exam  # pylint: disable=import-outside-toplevel

        submit_exam(client, attempt)
    fragment = run(demo.verified_learner, demo, 'welcome_unit' if case == 'not an exam' else 'final_part_a',
                   view='public_view' if case == 'public view' else 'student_view',
                   config={} if case == 'not configured' else CONFIG)
    assert fragment.content == '<p>unit</p>'
    assert urls(fragment) == []


def test_another_learner_does_not_get_the_candidates_page(client, demo):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    assert run(demo.verified_learner2, demo, 'final_part_a').content == '<p>unit</p>'


def test_a_failure_of_the_plugin_leaves_the_unit_as_rendered_even_when_the_filter_may_not_fail_silently(
        client, demo, monkeypatch, caplog):
    start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)

    def broken(*args, **kwargs):
        raise RuntimeError('the database went away')

    monkeypatch.setattr('offline_delivery_plugin.api.render_candidate_page', broken)
    fragment = run(demo.verified_learner, demo, 'final_part_a')  # CONFIG has fail_silently False
    assert fragment.content == '<p>unit</p>'
    assert urls(fragment) == []
    failure, = [record for record in caplog.records if record.name == 'offline_delivery_plugin.extensions.filters']
    assert 'AddCandidatePageToExamUnits failed' in failure.getMessage()
    assert failure.exc_info[1].args == ('the database went away',)
