"""
The sandbox's XBlock runtime: renders the exam items and runs their handlers for one learner.

It plays the part of the LMS's ``LmsModuleSystem``/``DjangoXBlockUserStateClient`` pair at small scale: authored
field values come from ``Block.fields``, the learner's state from ``StudentModule``, handlers are reached at
``/xblock/<usage_id>/handler/<name>/``.
"""
import logging

from django.templatetags.static import static
from django.urls import reverse
from opaque_keys.edx.keys import UsageKey
from xblock.exceptions import NoSuchDefinition
from xblock.fields import Scope, ScopeIds
from xblock.runtime import IdReader, KeyValueStore, KvsFieldData, Runtime

from sandbox.host.models import Block, StudentModule
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

    def _module(self, usage_id, create=False):
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
            module = self._module(usage_id)
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
            module = self._module(usage_id, create=True)
            module.state[key.field_name] = value
            touched.add(usage_id)
        for usage_id in touched:
            self._modules[usage_id].save()

    def delete(self, key):
        usage_id = str(key.block_scope_id)
        module = self._module(usage_id)
        if key.scope == Scope.user_state and module is not None and key.field_name in module.state:
            del module.state[key.field_name]
            module.save()

    def has(self, key):
        try:
            self.get(key)
        except KeyError:
            return False
        return True


class SandboxRuntime(Runtime):
    """
    An XBlock runtime for one learner and one course.
    """

    def __init__(self, user, course):
        self.user = user
        self.course = course
        self.blocks = {str(block.usage_key): block for block in Block.objects.filter(course=course)}
        self.state = CourseKeyValueStore(user, course, self.blocks)
        field_data = KvsFieldData(self.state)
        super().__init__(
            id_reader=CourseIdReader(self.blocks), id_generator=None, services={'field-data': field_data},
        )

    def get_block(self, usage_id, for_parent=None):
        """The block for this runtime's learner (scope ids carry the user, instead of the deprecated user_id)."""
        block_type = self.id_reader.get_block_type(usage_id)
        keys = ScopeIds(self.user.id, block_type, usage_id, usage_id)
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
        return static(f'host/{block.scope_ids.block_type}/{uri}')

    def publish(self, block, event_type, event_data):
        if event_type == 'grade':
            module = StudentModule.objects.get(student=self.user, module_state_key=block.scope_ids.usage_id)
            module.grade = event_data.get('value')
            module.max_grade = event_data.get('max_value')
            module.save(update_fields=['grade', 'max_grade', 'modified'])
        else:
            log.info('XBlock event %s from %s', event_type, block.scope_ids.usage_id)

    def wrap_xblock(self, block, view, frag, context):
        """Wrap like the base runtime, adding the handler URL prefix the page's JS runtime reads."""
        prefix = self.handler_url(block, 'HANDLER').rsplit('HANDLER', 1)[0]
        return self._wrap_ele(block, view, frag, {'handler-prefix': prefix})
