"""
The contract of the LMS backend's applier step with edx-platform, written down so that the next platform release
can be checked against it line by line.

``compat.edx_platform.load_learner_blocks`` loads a learner's block outside a request the way the LMS's instructor
tasks do for rescoring. Each entry below is a function it calls: the platform file, the commit it was read at
(openedx/openedx-platform), the signature, and the behaviour relied on. The test builds stand-ins with exactly
these signatures and runs the backend against them: a call whose arguments no longer bind to the recorded
signature, or that leaves out what the behaviour needs (a track function, no request), fails here.
"""
import inspect
import sys
import types
from contextlib import contextmanager

import pytest
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin.compat import edx_platform

COURSE = CourseKey.from_string('course-v1:SandboxU+EXAM101+2026')


def get_block_for_descriptor(user, request, block, field_data_cache, course_key, position=None,
                             wrap_xblock_display=True, grade_bucket_type=None, static_asset_path='',
                             disable_staff_debug_info=False, course=None, will_recheck_access=False,
                             track_function=None, student_data=None, request_token=None, user_location=None):
    """``lms/djangoapps/courseware/block_render.py`` at 5af5f01f."""


def field_data_cache(blocks, course_id, user, asides=None, read_only=False):
    """``FieldDataCache.__init__``, ``lms/djangoapps/courseware/model_data.py`` at 35f87813."""


def task_track(request_info, task_info, event_type, event, page=None):
    """``common/djangoapps/track/views/__init__.py`` at e57a655d."""


def get_item(usage_key, depth=0, **kwargs):
    """``MixedModuleStore.get_item``, ``xmodule/modulestore/mixed.py`` at e57a655d."""


def get_course_by_id(course_key, depth=0):
    """``lms/djangoapps/courseware/courses.py``."""


#: Each platform call of ``load_learner_blocks``: its recorded signature and what the plugin relies on.
CONTRACT = {
    'get_block_for_descriptor': (get_block_for_descriptor, (
        'With request=None nothing fills in a track function: the caller passes track_function, else the '
        "block's first non-grade event (capa's save_problem_success) calls None. Returns the block bound to the "
        'user, or None when the user may not load it. The runtime is rebuilt only when it has no wrappers or is '
        "bound to another user; otherwise the earlier runtime's services (and track function) stay.")),
    'FieldDataCache': (field_data_cache, (
        "A FieldDataCache of the given blocks' state for the user (one query per scope for all of them), writable "
        '(read_only False), which block.save() writes through; the LMS renders a sequence from one such cache.')),
    'task_track': (task_track, (
        'Emits the event through eventtracking with the task context; what the instructor tasks hand blocks as '
        'their track function (a lambda over request_info, task_info and page).')),
    'get_item': (get_item, (
        'The descriptor of a usage key mapped into the course; raises ItemNotFoundError when there is none '
        '(xmodule/modulestore/exceptions.py).')),
    'get_course_by_id': (get_course_by_id, (
        "The loaded course, passed as get_block_for_descriptor's course= (field overrides), as "
        'rescore_problem_module_state does.')),
}


class ItemNotFoundError(Exception):
    """``xmodule.modulestore.exceptions.ItemNotFoundError``."""


def recording(name, calls, returns):
    """A stand-in for ``name`` that binds each call to the recorded signature (TypeError if it does not)."""
    signature = inspect.signature(CONTRACT[name][0])

    def stand_in(*args, **kwargs):
        calls.append((name, signature.bind(*args, **kwargs).arguments))
        return returns(*args, **kwargs)
    return stand_in


@pytest.fixture
def platform(monkeypatch):
    """Fake edx-platform modules with the contract's signatures; yields the list of calls they received."""
    calls = []
    descriptors = {}

    class Store:
        get_item = staticmethod(recording('get_item', calls, lambda usage_key, *a, **k: descriptors.get(
            str(usage_key)) or (_ for _ in ()).throw(ItemNotFoundError(usage_key))))

        @contextmanager
        def bulk_operations(self, course_key):
            calls.append(('bulk_operations', {'course_key': course_key}))
            yield

    store = Store()
    modules = {
        'common.djangoapps.track.views': {'task_track': recording('task_track', calls, lambda *a, **k: None)},
        'lms.djangoapps.courseware.block_render': {'get_block_for_descriptor': recording(
            'get_block_for_descriptor', calls, lambda *a, **k: inspect.signature(get_block_for_descriptor).bind(
                *a, **k).arguments['block'])},
        'lms.djangoapps.courseware.courses': {'get_course_by_id': recording(
            'get_course_by_id', calls, lambda *a, **k: 'the course')},
        'lms.djangoapps.courseware.model_data': {'FieldDataCache': recording(
            'FieldDataCache', calls, lambda *a, **k: 'the cache')},
        'xmodule.modulestore.django': {'modulestore': lambda: store},
        'xmodule.modulestore.exceptions': {'ItemNotFoundError': ItemNotFoundError},
    }
    for dotted, attributes in modules.items():
        parts = dotted.split('.')
        for depth in range(1, len(parts)):
            monkeypatch.setitem(sys.modules, '.'.join(parts[:depth]), sys.modules.get(
                '.'.join(parts[:depth])) or types.ModuleType('.'.join(parts[:depth])))
        monkeypatch.setitem(sys.modules, dotted, types.SimpleNamespace(**attributes))
    return types.SimpleNamespace(calls=calls, descriptors=descriptors)


def test_every_platform_call_is_written_down_with_its_file_and_commit():
    for name, (function, behaviour) in CONTRACT.items():
        assert function.__doc__ and ('.py' in function.__doc__), name
        assert behaviour, name


def test_the_backend_loads_each_block_as_the_rescoring_task_does(platform):
    user = types.SimpleNamespace(username='verified_learner', id=7)
    here = str(COURSE.make_usage_key('problem', 'final_term'))
    gone = str(COURSE.make_usage_key('problem', 'removed'))
    platform.descriptors[here] = 'the descriptor'

    blocks = edx_platform.load_learner_blocks(user, COURSE, [here, gone])

    assert blocks == {here: 'the descriptor'}, 'a block the modulestore no longer has is left out'
    load = [arguments for name, arguments in platform.calls if name == 'get_block_for_descriptor']
    assert len(load) == 1
    arguments = load[0]
    assert arguments['request'] is None and arguments['request_token'] is None
    assert arguments['user'] is user and arguments['course_key'] == COURSE and arguments['course'] == 'the course'
    assert arguments['field_data_cache'] == 'the cache'
    assert callable(arguments['track_function']), 'without one the first event calls None'
    (cache,) = [arguments for name, arguments in platform.calls if name == 'FieldDataCache']
    assert (cache['blocks'], cache['course_id'], cache['user']) == (['the descriptor'], COURSE, user)
    assert not cache.get('read_only'), 'block.save() writes through the cache'

    arguments['track_function']('save_problem_success', {'answers': {}})
    tracked = [arguments for name, arguments in platform.calls if name == 'task_track'][-1]
    assert tracked['event_type'] == 'save_problem_success' and tracked['page'] == 'offline_delivery'
    assert tracked['task_info']['student'] == 'verified_learner'


def test_the_answered_problems_of_a_file_share_one_cache_of_the_learners_state(platform):
    """A 40-problem file reads the learner's state once per scope, not once per problem."""
    user = types.SimpleNamespace(username='verified_learner', id=7)
    usage_ids = [str(COURSE.make_usage_key('problem', f'q{n}')) for n in range(3)]
    for usage_id in usage_ids:
        platform.descriptors[usage_id] = f'descriptor of {usage_id}'

    blocks = edx_platform.load_learner_blocks(user, COURSE, usage_ids)

    assert list(blocks) == usage_ids
    (cache,) = [arguments for name, arguments in platform.calls if name == 'FieldDataCache']
    assert cache['blocks'] == [f'descriptor of {usage_id}' for usage_id in usage_ids]
    load = [arguments for name, arguments in platform.calls if name == 'get_block_for_descriptor']
    assert [arguments['field_data_cache'] for arguments in load] == ['the cache'] * 3
