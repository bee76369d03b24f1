"""
The sandbox's course blocks, rendered by ``sandbox.host.runtime.SandboxRuntime``.

Exam questions are Open edX's own ``ProblemBlock`` (capa) and instructions its ``HtmlBlock``, both from
``xblocks-contrib``, as the LMS loads them (``USE_EXTRACTED_PROBLEM_BLOCK``). Of its own the sandbox keeps the long
written answer (``EssayBlock``), units (``VerticalBlock``, which runs openedx-filters as the LMS's does) and the
containers of the course outline.
"""
from django.utils.html import escape
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Integer, Scope, String
from xblocks_contrib import HtmlBlock, ProblemBlock

ITEM_JS = """
function SandboxExamItem(runtime, element) {
  var form = element.querySelector('form');
  var status = element.querySelector('.item-status');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var data = new FormData(form);
    fetch(runtime.handlerUrl(element, 'submit_answer'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': runtime.csrfToken()},
      body: JSON.stringify({answer: data.get('answer') || ''})
    }).then(function (response) { return response.json().then(function (body) {
      status.textContent = response.ok ? body.message : (body.error || body.message);
    }); }).catch(function () { status.textContent = runtime.gettext('Not saved: no connection.'); });
  });
}
"""


class EssayBlock(XBlock):
    """
    A long written answer: the one exam item the sandbox keeps of its own. Open edX publishes no block for a long
    free-text answer that saves outside a request (capa's text inputs are one line; Open Response Assessment is a
    workflow of its own), so this stands in for one (docs/sandbox.rst).

    It keeps the learner's answer in the ``user_state`` scope (``StudentModule`` rows, as in the LMS), saves it
    through its ``submit_answer`` JSON handler, and takes a delivered answer through ``take_delivered_answer``,
    the plugin's applier protocol for blocks that are not capa problems (docs/sandbox.rst).
    """

    display_name = String(scope=Scope.settings, default='Question')
    prompt = String(scope=Scope.content, default='')
    answer = String(scope=Scope.user_state, default='')
    max_length = Integer(scope=Scope.content, default=20000)

    def clean_answer(self, value):
        """Return the answer to store, or raise ValueError with a message for the learner."""
        if not isinstance(value, str):
            raise ValueError('The answer must be text.')
        if len(value) > self.max_length:
            raise ValueError(f'The answer is too long (at most {self.max_length} characters).')
        return value

    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The question, its text area and a Save button."""
        input_id = f'answer-{self.scope_ids.usage_id}'.replace(':', '-').replace('@', '-').replace('+', '-')
        html = (
            f'<div class="exam-item exam-item-essay">'
            f'<form class="exam-item-form" novalidate>'
            f'<h3 class="item-title">{escape(self.display_name)}</h3>'
            f'<label class="item-prompt" for="{input_id}">{escape(self.prompt)}</label>'
            f'<textarea id="{input_id}" name="answer" rows="8" spellcheck="true">{escape(self.answer)}</textarea>'
            f'<button type="submit" class="item-save">Save answer</button>'
            f'<p class="item-status" role="status" aria-live="polite"></p>'
            f'</form></div>'
        )
        fragment = Fragment(html)
        fragment.add_javascript(ITEM_JS)
        fragment.initialize_js('SandboxExamItem')
        return fragment

    @XBlock.json_handler
    def submit_answer(self, data, suffix=''):  # pylint: disable=unused-argument
        """Save the learner's answer; a 400 with ``error`` when the answer is not acceptable (nothing changes)."""
        try:
            self.answer = self.clean_answer(data.get('answer', '') if isinstance(data, dict) else None)
        except ValueError as error:
            raise JsonHandlerError(400, str(error)) from error
        return {'saved': True, 'message': 'Answer saved.', 'answer': self.answer}

    def take_delivered_answer(self, fields):
        """
        The applier protocol: take the answer a delivery file brought, ``{field name: value}`` as the candidate page
        captured this block's fields. Raises ValueError (the block's own words) when the answer is not acceptable;
        the applier calls ``save()`` afterwards.
        """
        if set(fields) - {'answer', ''}:
            raise ValueError('The answer names fields this item does not have.')
        self.answer = self.clean_answer(fields.get('answer', fields.get('')))


class VerticalBlock(XBlock):
    """
    A unit: renders its items in order, then runs openedx-filters' ``VerticalBlockRenderCompleted`` exactly where
    edx-platform's ``VerticalBlock`` does, so plugins add themselves to units the same way here as in the LMS.
    """

    has_children = True
    display_name = String(scope=Scope.settings, default='Unit')

    def student_view(self, context=None):
        """The unit's items, passed through the filter pipeline."""
        # pylint: disable=import-outside-toplevel
        from openedx_filters.learning.filters import VerticalBlockRenderCompleted

        fragment = Fragment()
        for child_id in self.children:
            child = self.runtime.get_block(child_id)
            child_fragment = self.runtime.render_child(child, 'student_view', context)
            fragment.add_fragment_resources(child_fragment)
            fragment.add_content(child_fragment.body_html())
        try:
            _block, fragment, _context, _view = VerticalBlockRenderCompleted.run_filter(
                block=self, fragment=fragment, context=context or {}, view='student_view',
            )
        except VerticalBlockRenderCompleted.PreventVerticalBlockRender as error:
            return Fragment(f'<p class="unit-hidden">{escape(str(error))}</p>')
        return fragment


class ContainerBlock(XBlock):
    """
    Sections and subsections as XBlocks, so that ``get_parent()`` works from a unit as in the LMS. The sandbox
    renders their pages itself (course outline, subsection page); their exam settings stay in ``Block.fields``.
    """

    has_children = True
    display_name = String(scope=Scope.settings, default='')


#: Block type names as they appear in the course tree.
BLOCK_TYPES = {
    'chapter': ContainerBlock,
    'sequential': ContainerBlock,
    'vertical': VerticalBlock,
    'problem': ProblemBlock,
    'html': HtmlBlock,
    'exam_essay': EssayBlock,
}
