"""
The "Offline delivery & proctoring" tab, added to both Instructor Dashboards through the real filter pipelines.
"""
from types import SimpleNamespace

import crum
import openedx_filters
import pytest
from django.test import override_settings
from openedx_filters.learning import filters as learning_filters
from openedx_filters.learning.filters import InstructorDashboardRenderStarted

from offline_delivery_plugin.extensions.filters import TAB_ID, TEMPLATE_PATH_PREFIX

LEGACY = {
    'org.openedx.learning.instructor.dashboard.render.started.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorDashboard'],
    },
}
MFE = {
    'org.openedx.learning.instructor.dashboard.tabs.requested.v1': {
        'fail_silently': False,
        'pipeline': ['offline_delivery_plugin.extensions.filters.AddOfflineDeliveryTabToInstructorTabs'],
    },
}
#: The instructor MFE's filter came with openedx-filters 3.4.0 (its run_filter returns a 3-tuple from 3.4.1): the
#: lowest supported set (Ulmo's 2.1.0) has none, and there the plugin's step is simply never run. The skip depends on
#: the installed version, so it cannot hide a missing filter on a version that should have it.
FILTERS_VERSION = tuple(int(part) for part in openedx_filters.__version__.split('.')[:2])
InstructorDashboardTabsRequested = getattr(learning_filters, 'InstructorDashboardTabsRequested', None)
needs_the_mfe_filter = pytest.mark.skipif(FILTERS_VERSION < (3, 4),
                                          reason='openedx-filters before 3.4 has no InstructorDashboardTabsRequested')
EXISTING = {'section_key': 'course_info', 'section_display_name': 'Course Info'}


def legacy_sections(user, course_key):
    context = {'course': SimpleNamespace(id=course_key), 'sections': [dict(EXISTING)]}
    with override_settings(OPEN_EDX_FILTERS_CONFIG=LEGACY), crum.impersonate(user):
        context, template = InstructorDashboardRenderStarted.run_filter(
            context=context, template_name='instructor/instructor_dashboard_2/instructor_dashboard_2.html')
    assert template == 'instructor/instructor_dashboard_2/instructor_dashboard_2.html'
    return context['sections']


def test_course_staff_get_the_section_with_exams_and_password_forms(demo):
    sections = legacy_sections(demo.course_staff, demo.course_key)
    assert sections[0] == EXISTING
    section = sections[1]
    assert (section['section_key'], section['section_display_name'], section['template_path_prefix']) == (
        TAB_ID, 'Offline delivery & proctoring', TEMPLATE_PATH_PREFIX)
    html = section['fragment'].body_html()
    assert 'Open the Monitor of Final exam (proctored)' in html
    assert html.count('class="password-form"') == 3
    assert 'Audit log of this course' in html
    scripts = [r.data for r in section['fragment'].resources if r.mimetype == 'application/javascript']
    assert scripts[-1].endswith('offline_delivery_plugin/js/dashboard.js')


@pytest.mark.parametrize('username', ['verified_learner', 'audit_learner', None])
def test_nobody_else_gets_the_section(demo, username):
    user = demo.users[username] if username else None
    assert legacy_sections(user, demo.course_key) == [EXISTING]


def test_staff_of_another_course_get_no_section(demo, other_course):
    assert legacy_sections(other_course.staff, demo.course_key) == [EXISTING]


@needs_the_mfe_filter
def test_the_mfe_gets_a_tab_linking_to_the_plugins_page(demo):
    mfe_tabs = [{'tab_id': 'course_info', 'title': 'Course Info', 'url': '/x', 'sort_order': 10}]
    with override_settings(OPEN_EDX_FILTERS_CONFIG=MFE):
        tabs, _user, _key = InstructorDashboardTabsRequested.run_filter(
            tabs=list(mfe_tabs), user=demo.course_staff, course_key=demo.course_key)
        again, _user, _key = InstructorDashboardTabsRequested.run_filter(
            tabs=list(tabs), user=demo.course_staff, course_key=demo.course_key)
    assert tabs[0] == mfe_tabs[0]
    assert tabs[1] == {'tab_id': TAB_ID, 'title': 'Offline delivery & proctoring',
                       'url': f'/offline-delivery/courses/{demo.course_key}/', 'sort_order': 1000}
    assert again == tabs, 'the tab is added once'


@needs_the_mfe_filter
def test_the_mfe_gets_no_tab_for_a_learner(demo):
    with override_settings(OPEN_EDX_FILTERS_CONFIG=MFE):
        tabs, _user, _key = InstructorDashboardTabsRequested.run_filter(
            tabs=[], user=demo.verified_learner, course_key=demo.course_key)
    assert tabs == []
