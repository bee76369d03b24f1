"""
Pipeline steps for openedx-filters.

``AddCandidatePageToExamUnits`` runs on ``org.openedx.learning.vertical_block.render.completed.v1``
(``VerticalBlockRenderCompleted``), which the LMS triggers after rendering each unit: in a unit of an exam whose
course has offline delivery on, while the learner's attempt is in progress, it adds the candidate page (its bar,
its script and its styles) to the unit.

``AddOfflineDeliveryTabToInstructorDashboard`` runs on ``org.openedx.learning.instructor.dashboard.render.started.v1``
(``InstructorDashboardRenderStarted``, the legacy Instructor Dashboard: Teak and Ulmo, and Verawood or later only
with the ``instructor.legacy_instructor_dashboard`` flag on, as the view redirects to the instructor MFE before the
filter otherwise) and adds the "Offline delivery & proctoring" section; ``AddOfflineDeliveryTabToInstructorTabs``
runs on ``org.openedx.learning.instructor.dashboard.tabs.requested.v1`` (``InstructorDashboardTabsRequested``,
which the instructor MFE's course API triggers from Verawood on: openedx-platform #38499 on master, #38663 on
``release/verawood``; openedx-filters 3.4.0 or later) and adds the same tab as a link to the plugin's page. The
course tab (``compat/course_tab.py``) reaches the same page in every release.
Configuration for the LMS: docs/install.rst.

No step may break what the platform renders: each catches its own failure, logs it with the traceback and hands
the platform's objects back as they came (``leaves_unchanged_on_failure``), whatever ``fail_silently`` the
operator set for the filter. (openedx-filters re-raises a step's exception when ``fail_silently`` is False, and an
exception in the unit-render step would then break every unit of every course.)
"""
import functools
import logging

import crum
import rules as rules_lib
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from opaque_keys.edx.keys import UsageKey
from openedx_filters import PipelineStep
from web_fragments.fragment import Fragment

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import CourseNotFound

CANDIDATE_JS = 'offline_delivery_plugin/js/candidate.js'
CANDIDATE_CSS = 'offline_delivery_plugin/css/candidate.css'
DASHBOARD_JS = 'offline_delivery_plugin/js/dashboard.js'
DASHBOARD_CSS = 'offline_delivery_plugin/css/monitor.css'
#: The tab's id in both dashboards, and the name of the legacy dashboard's section template.
TAB_ID = 'offline_delivery'
#: Where the legacy dashboard finds the section's Mako template (the plugin adds its templates to Mako's lookup).
TEMPLATE_PATH_PREFIX = '/offline_delivery_plugin/instructor_dashboard/'

log = logging.getLogger(__name__)


def leaves_unchanged_on_failure(run_filter):
    """
    Wrap a step's ``run_filter`` so that any failure of the plugin's own is logged and the filter's arguments are
    returned unchanged: the unit, or the dashboard, is shown as the platform rendered it, without the plugin's part.
    """
    @functools.wraps(run_filter)
    def run(self, **kwargs):
        try:
            return run_filter(self, **kwargs)
        except Exception:  # pylint: disable=broad-except
            log.exception("offline_delivery_plugin: %s failed; the platform's page is left as it was rendered",
                          type(self).__name__)
            return kwargs
    return run


class AddCandidatePageToExamUnits(PipelineStep):
    """
    Add the offline-delivery candidate page to the units of an exam in progress. Any other unit, view or learner
    is left exactly as rendered.
    """

    @leaves_unchanged_on_failure
    def run_filter(self, block, fragment, context, view):  # pylint: disable=arguments-differ
        """Prepend the candidate page's bar to the unit and add its script and styles."""
        unchanged = {'block': block, 'fragment': fragment, 'context': context, 'view': view}
        if view != 'student_view':
            return unchanged
        parent = block.get_parent()
        user_id = block.scope_ids.user_id
        if parent is None or not isinstance(user_id, int):
            return unchanged
        usage_key = UsageKey.from_string(str(parent.scope_ids.usage_id))  # a key in the LMS, text elsewhere
        html = api.render_candidate_page(user_id, usage_key.course_key, str(usage_key))
        if html:
            fragment.content = html + fragment.content
            fragment.add_css_url(static(CANDIDATE_CSS))
            fragment.add_javascript_url(static(CANDIDATE_JS))
        return unchanged


def _may_see_tab(user, course_key):
    return user is not None and rules_lib.has_perm(rules.VIEW_EXAMS, user, course_key)


class AddOfflineDeliveryTabToInstructorDashboard(PipelineStep):
    """
    Add the "Offline delivery & proctoring" section to the legacy Instructor Dashboard of a course, for users who
    may see it (course staff; the dashboard itself admits no one else). The section carries its content as a
    fragment rendered for the current user, with a CSRF token for the password forms.
    """

    @leaves_unchanged_on_failure
    def run_filter(self, context, template_name):  # pylint: disable=arguments-differ
        """Append the section to ``context['sections']``; anything else stays as it was."""
        unchanged = {'context': context, 'template_name': template_name}
        course = context.get('course')
        user = crum.get_current_user()
        if course is None or not _may_see_tab(user, course.id):
            return unchanged
        from offline_delivery_plugin.views import dashboard_tab_context  # pylint: disable=import-outside-toplevel

        try:
            tab_context = dashboard_tab_context(user, course.id)
        except CourseNotFound:
            return unchanged
        fragment = Fragment(render_to_string('offline_delivery_plugin/dashboard_tab.html', tab_context,
                                             crum.get_current_request()))
        fragment.add_css_url(static(DASHBOARD_CSS))
        fragment.add_javascript_url(reverse('offline_delivery_plugin:jsi18n'))
        fragment.add_javascript_url(static(DASHBOARD_JS))
        context.setdefault('sections', []).append({
            'section_key': TAB_ID,
            'section_display_name': _('Offline delivery & proctoring'),
            'course_id': str(course.id),
            'template_path_prefix': TEMPLATE_PATH_PREFIX,
            'fragment': fragment,
        })
        return unchanged


class AddOfflineDeliveryTabToInstructorTabs(PipelineStep):
    """
    Add the "Offline delivery & proctoring" tab to the Instructor Dashboard MFE's tabs: a link to the plugin's
    course page, which shows the same content as the legacy section.
    """

    #: After the MFE's own tabs.
    SORT_ORDER = 1000

    @leaves_unchanged_on_failure
    def run_filter(self, tabs, user, course_key, **kwargs):  # pylint: disable=arguments-differ
        """
        Append the tab when ``user`` may see it; the list is otherwise untouched. The filter's signature as
        openedx-filters 3.4.0 introduced it and 3.4.1 kept it (``tabs, user, course_key``; 3.4.1 changed only
        what ``run_filter`` of the filter class returns), and any later argument is passed on untouched.
        """
        unchanged = {'tabs': tabs, 'user': user, 'course_key': course_key, **kwargs}
        if not _may_see_tab(user, course_key) or any(tab.get('tab_id') == TAB_ID for tab in tabs or ()):
            return unchanged
        url = reverse('offline_delivery_plugin:course-dashboard', kwargs={'course_id': str(course_key)})
        request = crum.get_current_request()
        return {**unchanged, 'tabs': [*(tabs or []), {
            'tab_id': TAB_ID,
            'title': _('Offline delivery & proctoring'),
            'url': request.build_absolute_uri(url) if request is not None else url,
            'sort_order': self.SORT_ORDER,
        }]}
