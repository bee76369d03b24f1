"""
The sandbox's exam items: real XBlocks with real handlers, rendered by ``sandbox.host.runtime.SandboxRuntime``.

Each item keeps the learner's answer in the ``user_state`` scope (``StudentModule`` rows, as in the LMS) and
saves it through its ``submit_answer`` JSON handler, the way an LMS problem saves through its handler. The
plugin captures answers from the rendered form inputs, whatever the block, and writes them back through the
same handler.
"""
from decimal import Decimal, InvalidOperation

from django.utils.html import escape
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import JsonHandlerError
from xblock.fields import Integer, List, Scope, String

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


class ExamItemBlock(XBlock):
    """
    Common behaviour of the exam items: a prompt, one answer per learner, a handler that saves it.
    """

    display_name = String(scope=Scope.settings, default='Question')
    prompt = String(scope=Scope.content, default='')
    answer = String(scope=Scope.user_state, default='')

    input_kind = 'text'

    def clean_answer(self, value):
        """Return the answer to store, or raise ValueError with a message for the learner."""
        if len(value) > 1000:
            raise ValueError('The answer is too long (at most 1000 characters).')
        return value

    def prompt_html(self, input_id):
        """The question, as the label of the answer control."""
        return f'<label class="item-prompt" for="{input_id}">{escape(self.prompt)}</label>'

    def answer_input_html(self, input_id):
        """The form control that holds the answer."""
        return (
            f'<input type="text" id="{input_id}" name="answer" value="{escape(self.answer)}" '
            f'autocomplete="off" spellcheck="false">'
        )

    def student_view(self, context=None):  # pylint: disable=unused-argument
        """The question, its answer control and a Save button."""
        input_id = f'answer-{self.scope_ids.usage_id}'.replace(':', '-').replace('@', '-').replace('+', '-')
        html = (
            f'<div class="exam-item exam-item-{self.input_kind}">'
            f'<form class="exam-item-form" novalidate>'
            f'<h3 class="item-title">{escape(self.display_name)}</h3>'
            f'{self.prompt_html(input_id)}'
            f'{self.answer_input_html(input_id)}'
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
        value = data.get('answer', '') if isinstance(data, dict) else None
        if not isinstance(value, str):
            raise JsonHandlerError(400, 'The answer must be text.')
        try:
            self.answer = self.clean_answer(value)
        except ValueError as error:
            raise JsonHandlerError(400, str(error)) from error
        return {'saved': True, 'message': 'Answer saved.', 'answer': self.answer}


class ShortTextBlock(ExamItemBlock):
    """A one-line text answer (a name, a term, a control word)."""

    max_length = Integer(scope=Scope.content, default=200)

    def clean_answer(self, value):
        if len(value) > self.max_length:
            raise ValueError(f'The answer is too long (at most {self.max_length} characters).')
        return value


class NumericBlock(ExamItemBlock):
    """A number; stored as typed once it parses (comma or point as the decimal sign)."""

    input_kind = 'numeric'

    def answer_input_html(self, input_id):
        return (
            f'<input type="text" inputmode="decimal" id="{input_id}" name="answer" value="{escape(self.answer)}" '
            f'autocomplete="off">'
        )

    def clean_answer(self, value):
        value = value.strip()
        if value == '':
            return value
        try:
            Decimal(value.replace(',', '.'))
        except InvalidOperation as error:
            raise ValueError('Please enter a number, e.g. 3.14.') from error
        return value


class MultipleChoiceBlock(ExamItemBlock):
    """One choice among several."""

    input_kind = 'choice'
    choices = List(scope=Scope.content, default=[])

    def answer_input_html(self, input_id):
        options = []
        for index, choice in enumerate(self.choices):
            checked = ' checked' if choice == self.answer else ''
            options.append(
                f'<label class="item-choice"><input type="radio" name="answer" id="{input_id}-{index}" '
                f'value="{escape(choice)}"{checked}> {escape(choice)}</label>'
            )
        return f'<div role="radiogroup" aria-labelledby="{input_id}-prompt">{"".join(options)}</div>'

    def prompt_html(self, input_id):
        return f'<p class="item-prompt" id="{input_id}-prompt">{escape(self.prompt)}</p>'

    def clean_answer(self, value):
        if value and value not in self.choices:
            raise ValueError('Please choose one of the options.')
        return value


class EssayBlock(ExamItemBlock):
    """A long written answer."""

    input_kind = 'essay'
    max_length = Integer(scope=Scope.content, default=20000)

    def answer_input_html(self, input_id):
        return f'<textarea id="{input_id}" name="answer" rows="8" spellcheck="true">{escape(self.answer)}</textarea>'

    def clean_answer(self, value):
        if len(value) > self.max_length:
            raise ValueError(f'The answer is too long (at most {self.max_length} characters).')
        return value


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
    'exam_short_text': ShortTextBlock,
    'exam_numeric': NumericBlock,
    'exam_multiple_choice': MultipleChoiceBlock,
    'exam_essay': EssayBlock,
}
