"""
Pipeline steps for openedx-filters.

``AddCandidatePageToExamUnits`` runs on ``org.openedx.learning.vertical_block.render.completed.v1``
(``VerticalBlockRenderCompleted``), which the LMS triggers after rendering each unit: in a unit of an exam whose
course has offline delivery on, while the learner's attempt is in progress, it adds the candidate page (its bar,
its script and its styles) to the unit. Configuration for the LMS: docs/install.rst.
"""
from django.templatetags.static import static
from opaque_keys.edx.keys import UsageKey
from openedx_filters import PipelineStep

from offline_delivery_plugin import api

CANDIDATE_JS = 'offline_delivery_plugin/js/candidate.js'
CANDIDATE_CSS = 'offline_delivery_plugin/css/candidate.css'


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
