"""
The course's problems as the plugin writes delivered answers into them and reads them back for staff: the applier.

Only loading a learner's blocks outside a request is host-specific (``compat.load_learner_blocks``: the LMS's way,
as its instructor tasks load a block for rescoring, or the sandbox's runtime). Everything after it is here and runs
unchanged on both: turning the fields the candidate page captured into what the block's own save takes, saving,
checking the block's answer, and ``save()``.

A capa problem (Open edX's ``ProblemBlock``, built in or from ``xblocks-contrib``) takes the answers as its own
*Submit* sends them (``handle_ajax``'s ``problem_check``): a webob ``MultiDict`` of ``input_<id>`` keys, a
checkbox group as repeated ``input_<id>[]`` keys. A delivered file is the candidate's hand-in, so each answered
problem ends as if the candidate had pressed *Submit* on it (graded and scored by capa, by the course's own rules
on attempts and correctness); an answer capa cannot grade is saved instead, as its *Save* would. Any other block
takes a delivered answer only if it offers ``take_delivered_answer(fields)``, the plugin's protocol for blocks that
are not capa problems.
"""
import json
import logging

from django.db import transaction
from django.utils.translation import gettext as _
from webob.multidict import MultiDict
from xblock.exceptions import NotFoundError

from offline_delivery_plugin import compat

__all__ = [
    'ReadableAnswer',
    'apply_item_answers',
    'readable_answers',
]

log = logging.getLogger(__name__)

#: ``submit_problem``'s answer when it graded the problem (``submitted`` when the course hides correctness).
GRADED = ('correct', 'incorrect', 'submitted')


class AnswerNotTaken(Exception):
    """An item would not take a delivered answer; the message is what staff read in the Monitor."""


def apply_item_answers(user, course_key, item_answers):
    """
    Put each item's delivered answer into the learner's state of that item, through the item's own save path.

    Called inside the transaction that accepts the file. Each item is written under its own savepoint: an item
    that refuses keeps the state it had, and the others are written all the same.

    Arguments:
        user: the candidate.
        course_key (CourseKey): the course.
        item_answers (dict): ``{usage_id: {field_name: value}}`` as the candidate page captured the item's fields
            (``answers.answers_by_item``); the field name '' (files of earlier versions) stands for the item's only
            field.

    Returns:
        dict: ``{usage_id: message}`` for each item that did not take its answer, in the item's own words; the
        plugin keeps the answer either way.
    """
    blocks = compat.load_learner_blocks(user, course_key, list(item_answers))
    refused = {}
    for usage_id, fields in item_answers.items():
        block = blocks.get(usage_id)
        if block is None:
            refused[usage_id] = _('This item is no longer in the course, or the candidate may no longer see it.')
            continue
        if not any(_is_answered(value) for value in fields.values()):
            continue  # nothing was answered: the item keeps its state (an empty submit would use an attempt)
        try:
            with transaction.atomic():
                not_graded = _apply(block, fields)
            if not_graded:
                refused[usage_id] = not_graded
        except AnswerNotTaken as refusal:
            refused[usage_id] = str(refusal)
        except Exception as error:  # pylint: disable=broad-except
            # One item's failure must not refuse the whole delivery: its answer stays with the plugin.
            log.exception('The applier could not write %s for user %s', usage_id, user.id)
            refused[usage_id] = _('The item could not take the answer ({error}).').format(error=type(error).__name__)
    return refused


def _is_answered(value):
    # capa's dropdown starts on "Select an option", whose value is ``option_<id>_dummy_default``.
    return value not in ('', '[]', None) and not (isinstance(value, str) and value.endswith('_dummy_default'))


def _apply(block, fields):
    """
    Write one item's answer and ``save()``; raises AnswerNotTaken (its savepoint then undoes the item), or returns
    why a saved answer was not graded (kept: the learner finds it in the problem).
    """
    if _is_capa(block):
        return _apply_to_problem(block, fields)
    if callable(getattr(block, 'take_delivered_answer', None)):
        try:
            block.take_delivered_answer(fields)
        except ValueError as error:
            raise AnswerNotTaken(str(error)) from error
    else:
        raise AnswerNotTaken(_('The plugin does not know how to save answers into this kind of item.'))
    block.save()
    return None


def _is_capa(block):
    return callable(getattr(block, 'save_problem', None)) and callable(getattr(block, 'submit_problem', None))


def problem_data(block, fields):
    """
    The ``MultiDict`` a capa problem's *Save* and *Submit* post for these captured fields: one ``input_<id>`` per
    field, a checkbox group's JSON list as repeated ``input_<id>[]`` keys.

    Raises:
        AnswerNotTaken: a field this problem does not render, or a value of the wrong shape.
    """
    inputs = list(block.lcp.inputs)
    pairs = []
    for captured, value in fields.items():
        name = _field_name(captured, inputs, value)
        input_id = _input_id(name)
        if input_id not in inputs or not isinstance(value, str):
            raise AnswerNotTaken(_('The answer names a field this problem does not have ({name}).').format(
                name=name or _('no name')))
        if name.endswith('[]'):
            values = _json_list(value)
            if values is None:
                raise AnswerNotTaken(_('The answer to {name} is not a list of choices.').format(name=name))
            pairs += [(name, item) for item in values]
        else:
            pairs.append((name, value))
    return MultiDict(pairs)


def _field_name(captured, inputs, value):
    """The field's name as the problem renders it; '' (files of earlier versions) names a problem's only input."""
    if captured == '' and len(inputs) == 1:
        return f'input_{inputs[0]}' + ('[]' if _json_list(value) is not None else '')
    return captured


def _input_id(name):
    if not name.startswith('input_'):
        return None
    input_id = name[len('input_'):]
    return input_id[:-2] if input_id.endswith(('[]', '{}')) else input_id


def _json_list(value):
    try:
        values = json.loads(value)
    except (TypeError, ValueError):
        return None
    if not isinstance(values, list) or not all(isinstance(item, str) for item in values):
        return None
    return values


def _apply_to_problem(block, fields):
    """
    Submit the answers as the learner's *Submit* does, then ``save()``. Where capa cannot grade them (an answer it
    cannot read, a queued grader), they are saved as the learner's *Save* would, so the learner finds them in the
    problem, and the reason is returned. A problem capa will not take answers for (closed, or waiting for a reset)
    raises AnswerNotTaken and keeps its state.
    """
    data = problem_data(block, fields)
    answers = block.make_dict_of_responses(data)
    if block.lcp.done and block.lcp.student_answers == answers:
        return None  # the problem holds these answers, submitted (the candidate pressed Submit before going offline)
    try:
        submitted = block.submit_problem(data)
    except NotFoundError as error:  # capa's "Problem is closed." (``xblock.exceptions``, as the LMS's own)
        raise AnswerNotTaken(str(error)) from error
    if submitted.get('success') in GRADED:
        block.save()
        return None
    saved = block.save_problem(data)
    if not saved.get('success'):
        raise AnswerNotTaken(str(saved.get('msg') or _('The problem did not save the answer.')))
    block.save()
    return _('Saved, not graded: {reason}').format(reason=submitted.get('success'))


class ReadableAnswer:
    """One captured field as a person reads it: the question it answers and the answer in words."""

    __slots__ = ('question', 'text')

    def __init__(self, question, text):
        self.question = question
        self.text = text


def readable_answers(user, course_key, *answer_sets):
    """
    The answers as staff read them: a choice's text instead of ``choice_2``, a checkbox group's texts joined, and
    the question each field answers, as the LMS's problem responses report words them (capa's
    ``find_question_label`` and ``find_answer_text``). The learner's blocks are loaded once for every set.

    Arguments:
        answer_sets: dicts ``{answer key: value}`` as the plugin stores them (``item`` or ``item#field``), such as
            the values held and the last online values.

    Returns:
        list: for each set, ``{answer key: ReadableAnswer}`` of the answers of capa problems it could read; any other
        answer is left out (staff see its value as it is).
    """
    usage_ids = list(dict.fromkeys(key.partition('#')[0] for answers in answer_sets for key in answers))
    blocks = compat.load_learner_blocks(user, course_key, usage_ids) if usage_ids else {}
    return [_read_set(blocks, answers) for answers in answer_sets]


def _read_set(blocks, answers):
    by_item = {}
    for key in answers:
        by_item.setdefault(key.partition('#')[0], []).append(key)
    readable = {}
    for usage_id, keys in by_item.items():
        block = blocks.get(usage_id)
        if block is None or not _is_capa(block):
            continue
        try:
            readable.update(_read_problem(block, {key: answers[key] for key in keys}))
        except Exception:  # pylint: disable=broad-except
            # A problem the plugin cannot read is shown as stored, never as an error.
            log.warning('Could not read the answers of %s as text', usage_id, exc_info=True)
    return readable


def _read_problem(block, answers):
    inputs = list(block.lcp.inputs)
    readable = {}
    for key, value in answers.items():
        name = _field_name(key.partition('#')[2], inputs, value)
        input_id = _input_id(name)
        if input_id not in inputs:
            continue
        current = _json_list(value) if name.endswith('[]') else value
        if current is None:
            continue
        text = block.lcp.find_answer_text(input_id, current) if _is_answered(value) else ''
        readable[key] = ReadableAnswer(question=str(block.lcp.find_question_label(input_id)), text=str(text))
    return readable
