"""
Pipeline steps for openedx-filters.

``AddCandidatePageToExamUnits`` runs on ``org.openedx.learning.vertical_block.render.completed.v1``
(``VerticalBlockRenderCompleted``), which the LMS triggers after rendering each unit: in a unit of an exam whose
course has offline delivery on, while the learner's attempt is in progress, it adds the candidate page (its bar,
its script and its styles) to the unit.

``AddOfflineDeliveryTabToInstructorDashboard`` runs on ``org.openedx.learning.instructor.dashboard.render.started.v1``
(``InstructorDashboardRenderStarted``, the legacy Instructor Dashboard) and adds the "Offline delivery & proctoring"
section; ``AddOfflineDeliveryTabToInstructorTabs`` runs on
``org.openedx.learning.instructor.dashboard.tabs.requested.v1`` (``InstructorDashboardTabsRequested``, the
Instructor Dashboard MFE) and adds the same tab as a link to the plugin's page.
Configuration for the LMS: docs/install.rst.
"""
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


class AddCandidatePageToExamUnits(PipelineStep):
    """
    Add the offline-delivery candidate page to the units of an exam in progress. Any other unit, view or learner
    is left exactly as rendered.
    """

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

    def run_filter(self, tabs, user, course_key):  # pylint: disable=arguments-differ
        """Append the tab when ``user`` may see it; the list is otherwise untouched."""
        unchanged = {'tabs': tabs, 'user': user, 'course_key': course_key}
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
