"""
The sandbox's XBlock runtime: renders the exam items and runs their handlers for one learner.

It plays the part of the LMS's runtime for one learner at small scale (``prepare_runtime_for_user`` in
``lms/djangoapps/courseware/block_render.py``, read at openedx/openedx-platform 5af5f01f): authored field values come
from ``Block.fields``, the learner's state from ``StudentModule``, handlers are reached at
``/xblock/<usage_id>/handler/<name>/`` and a block's own files at ``/xblock/resource/<type>/<path>``. The services
are those of ``sandbox.host.xblock_services``; a ``grade`` event is stored as the LMS's ``handle_grade_event`` stores
it (on the learner's ``StudentModule``), every other event goes to the track function.
"""
import logging

from django.templatetags.static import static
from django.urls import reverse
from opaque_keys.edx.keys import UsageKey
from xblock.exceptions import NoSuchDefinition
from xblock.fields import Scope, ScopeIds
from xblock.runtime import IdReader, KeyValueStore, KvsFieldData, Runtime

from sandbox.host import edxapp_backend
from sandbox.host.models import Block, StudentModule
from sandbox.host.xblock_services import (
    CacheService,
    DjangoXBlockUserService,
    InheritanceMixin,
    ReplaceURLService,
    SandboxService,
    XBlockI18nService,
    XQueueService,
)
from sandbox.host.xblocks import BLOCK_TYPES

log = logging.getLogger(__name__)


class CourseIdReader(IdReader):
    """Usage ids are usage key strings and double as definition ids; types come from the course tree."""

    def __init__(self, blocks):
        self._blocks = blocks

    def get_definition_id(self, usage_id):
        return usage_id

    def get_block_type(self, def_id):
        try:
            return self._blocks[str(def_id)].block_type
        except KeyError as error:
            raise NoSuchDefinition(repr(def_id)) from error

    def get_usage_id_from_aside(self, aside_id):
        raise NotImplementedError('The sandbox has no asides.')

    def get_definition_id_from_aside(self, aside_id):
        raise NotImplementedError('The sandbox has no asides.')

    def get_aside_type_from_usage(self, aside_id):
        raise NotImplementedError('The sandbox has no asides.')

    def get_aside_type_from_definition(self, aside_id):
        raise NotImplementedError('The sandbox has no asides.')


class CourseKeyValueStore(KeyValueStore):
    """
    Field storage for one learner in one course: ``Block.fields`` for content and settings, ``StudentModule``
    for the learner's state, the tree for children.
    """

    AUTHORED = (Scope.content, Scope.settings)

    def __init__(self, user, course, blocks):
        self._user = user
        self._course = course
        self._blocks = blocks
        self._modules = {}

    def module(self, usage_id, create=False):
        """The learner's ``StudentModule`` of the block (a new, unsaved one with ``create`` when there is none)."""
        if usage_id not in self._modules:
            module = StudentModule.objects.filter(
                student=self._user, module_state_key=UsageKey.from_string(usage_id),
            ).first()
            self._modules[usage_id] = module
        if self._modules[usage_id] is None and create:
            self._modules[usage_id] = StudentModule(
                student=self._user, course=self._course, module_state_key=UsageKey.from_string(usage_id), state={},
            )
        return self._modules[usage_id]

    def prefetch(self, usage_ids):
        """Load the learner's state of many blocks in one query (the applier writes a whole exam at once)."""
        wanted = [usage_id for usage_id in usage_ids if usage_id not in self._modules]
        found = {str(module.module_state_key): module for module in StudentModule.objects.filter(
            student=self._user, module_state_key__in=[UsageKey.from_string(usage_id) for usage_id in wanted])}
        for usage_id in wanted:
            self._modules[usage_id] = found.get(usage_id)

    def get(self, key):
        usage_id = str(key.block_scope_id)
        if key.scope in self.AUTHORED:
            return self._blocks[usage_id].fields[key.field_name]
        if key.scope == Scope.user_state:
            module = self.module(usage_id)
            if module is None:
                raise KeyError(key.field_name)
            return module.state[key.field_name]
        if key.scope == Scope.children:
            block = self._blocks[usage_id]
            return [str(child.usage_key) for child in block.children.all()]
        if key.scope == Scope.parent:
            parent = self._blocks[usage_id].parent
            if parent is None:
                raise KeyError(key.field_name)
            return str(parent.usage_key)
        raise KeyError(key.field_name)

    def set(self, key, value):
        self.set_many({key: value})

    def set_many(self, update_dict):
        """Write each learner's block state in one save (``block.save()`` hands every dirty field at once)."""
        touched = set()
        for key, value in update_dict.items():
            usage_id = str(key.block_scope_id)
            if key.scope != Scope.user_state:
                raise NotImplementedError(f'The learner runtime does not write {key.scope} fields.')
            module = self.module(usage_id, create=True)
            module.state[key.field_name] = _as_json(value)
            touched.add(usage_id)
        for usage_id in touched:
            self._modules[usage_id].save()

    def delete(self, key):
        usage_id = str(key.block_scope_id)
        module = self.module(usage_id)
        if key.scope == Scope.user_state and module is not None and key.field_name in module.state:
            del module.state[key.field_name]
            module.save()

    def has(self, key):
        try:
            self.get(key)
        except KeyError:
            return False
        return True


def log_track_function(event_type, event):
    """The LMS's ``make_track_function`` hands events to its tracking log; the sandbox logs them."""
    log.info('Tracking event %s: %s', event_type, sorted(event) if isinstance(event, dict) else event)


def _as_json(value):
    """
    A field's JSON value as stored. XBlock 6.1's ``ScoreField`` hands its ``Score`` namedtuple to storage as it is
    and reads back only a ``{raw_earned, raw_possible}`` dict; a namedtuple is stored as that dict (as a list it
    could not be read back). How the LMS's JSON state keeps it was not checked here (docs/sandbox.rst).
    """
    if isinstance(value, tuple) and hasattr(value, '_asdict'):
        return {name: _as_json(item) for name, item in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [_as_json(item) for item in value]
    if isinstance(value, dict):
        return {name: _as_json(item) for name, item in value.items()}
    return value


class SandboxRuntime(Runtime):
    """
    An XBlock runtime for one learner and one course.

    ``track_function`` is what the block's non-grade events go to, as the LMS's ``EventPublishingService`` hands
    them to the track function it was given (the request's, or an instructor task's).
    """

    #: capa reads the runtime's file system for problems that load files (``<include>``, images); the sandbox's
    #: problems load none.
    resources_fs = None

    def __init__(self, user, course, track_function=log_track_function):
        self.user = user
        self.course = course
        self.track_function = track_function
        self.blocks = {str(block.usage_key): block for block in Block.objects.filter(course=course)}
        self.state = CourseKeyValueStore(user, course, self.blocks)
        field_data = KvsFieldData(self.state)
        super().__init__(
            id_reader=CourseIdReader(self.blocks), id_generator=None, mixins=(InheritanceMixin,),
            services={
                'field-data': field_data,
                'user': DjangoXBlockUserService(
                    user, user_is_staff=edxapp_backend.is_course_staff(user, course.course_key),
                    anonymous_user_id=edxapp_backend.get_anonymous_user_id(user, course.course_key)),
                'i18n': XBlockI18nService(),
                'cache': CacheService(),
                'sandbox': SandboxService(),
                'replace_urls': ReplaceURLService(),
                'xqueue': XQueueService(),
            },
        )

    def get_block(self, usage_id, for_parent=None):
        """The block for this runtime's learner (scope ids carry the user, instead of the deprecated user_id)."""
        block_type = self.id_reader.get_block_type(usage_id)
        usage_key = UsageKey.from_string(str(usage_id))
        keys = ScopeIds(self.user.id, block_type, usage_key, usage_key)
        return self.construct_xblock(block_type, keys, for_parent=for_parent)

    def load_block_type(self, block_type):
        return BLOCK_TYPES.get(block_type) or super().load_block_type(block_type)

    def handler_url(self, block, handler_name, suffix='', query='', thirdparty=False):
        url = reverse('host:xblock-handler', kwargs={
            'usage_id': str(block.scope_ids.usage_id), 'handler': handler_name, 'suffix': suffix,
        })
        return f'{url}?{query}' if query else url

    def resource_url(self, resource):
        return static(f'host/{resource}')

    def local_resource_url(self, block, uri):
        return reverse('host:xblock-resource', kwargs={'block_type': block.scope_ids.block_type, 'uri': uri})

    def publish(self, block, event_type, event_data):
        if event_type == 'grade':
            # The LMS's ``score_published_handler`` writes the score on the learner's StudentModule (creating it
            # when the block has no state yet); the same row object the block's fields are saved to, so that a
            # later ``block.save()`` keeps it.
            module = self.state.module(str(block.scope_ids.usage_id), create=True)
            module.grade = event_data.get('value')
            module.max_grade = event_data.get('max_value')
            module.save()
        else:
            self.track_function(event_type, event_data)

    def _css_classes_for(self, block, view):
        """
        The wrapper's classes as the LMS's ``wrap_xblock`` gives them (``openedx/core/lib/xblock_utils/__init__.py``,
        read at openedx/openedx-platform 14f7dc89): ``xblock``, ``xblock-<view>``, ``xblock-<view>-<type>``, and for
        blocks styled the XModule way (capa's and the HTML block's ``uses_xmodule_styles_setup``)
        ``xmodule_display xmodule_<ClassName>``, which capa's stylesheet is scoped under.
        """
        classes = super()._css_classes_for(block, view) + [
            'xblock', f'xblock-{view}', f'xblock-{view}-{block.scope_ids.block_type}']
        if getattr(block, 'uses_xmodule_styles_setup', False):
            class_name = getattr(block, 'unmixed_class', block.__class__).__name__
            classes += ['xmodule_display', f'xmodule_{class_name}']
        return classes

    def wrap_xblock(self, block, view, frag, context):
        """Wrap like the base runtime, adding the handler URL prefix the page's JS runtime reads."""
        prefix = self.handler_url(block, 'HANDLER').rsplit('HANDLER', 1)[0]
        return self._wrap_ele(block, view, frag, {'handler-prefix': prefix})
