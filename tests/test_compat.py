"""
The one door to the host platform: only ``compat/edx_platform.py`` imports edx-platform, both backends offer the
same functions, and the sandbox backend answers them truthfully.
"""
import ast
import inspect
from importlib import import_module
from pathlib import Path

import pytest

from offline_delivery_plugin import compat, roles
from offline_delivery_plugin.compat import edx_platform

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / 'offline_delivery_plugin'
#: Top-level packages of edx-platform (its repository root is on sys.path in the LMS and Studio).
EDX_PLATFORM_PACKAGES = {'lms', 'cms', 'common', 'openedx', 'xmodule', 'courseware', 'student'}


def imported_modules(path):
    """Every module a Python file imports, at any depth (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


#: The plugin's only modules that import edx-platform: the backend, and the course tab's class (a subclass of the
#: platform's ``CourseTab``, which only the LMS loads, through the ``openedx.course_tab`` entry point).
PLATFORM_DOORS = (PLUGIN / 'compat' / 'edx_platform.py', PLUGIN / 'compat' / 'course_tab.py')


def test_only_the_compat_backend_imports_edx_platform():
    offenders = []
    for path in PLUGIN.rglob('*.py'):
        for module in imported_modules(path):
            top = module.split('.')[0]
            if top in EDX_PLATFORM_PACKAGES and path not in PLATFORM_DOORS:
                offenders.append(f'{path.relative_to(ROOT)} imports {module}')
            if top == 'sandbox':
                offenders.append(f'{path.relative_to(ROOT)} imports the sandbox host ({module})')
    assert not offenders, offenders


def test_the_edx_platform_backend_really_uses_edx_platform():
    # The guard above would pass vacuously if the backend imported nothing from the platform.
    modules = set(imported_modules(PLUGIN / 'compat' / 'edx_platform.py'))
    assert {'xmodule.modulestore.django', 'common.djangoapps.student.roles'} <= modules


def test_the_host_uses_only_the_public_modules():
    offenders = []
    for path in (ROOT / 'sandbox').rglob('*.py'):
        for module in imported_modules(path):
            if module.startswith('offline_delivery_plugin.') and module.split('.')[1] not in (
                'api', 'data', 'exceptions', 'roles',
            ):
                offenders.append(f'{path.relative_to(ROOT)} imports {module}')
    assert not offenders, offenders


@pytest.mark.parametrize('backend_path', ['offline_delivery_plugin.compat.edx_platform',
                                          'sandbox.host.edxapp_backend'])
def test_backends_offer_every_function_with_the_same_signature(backend_path):
    backend = import_module(backend_path)
    for name in compat.BACKEND_FUNCTIONS:
        assert callable(getattr(backend, name, None)), f'{backend_path} lacks {name}'
        expected = [p.name for p in inspect.signature(getattr(compat, name)).parameters.values()]
        actual = [p.name for p in inspect.signature(getattr(backend, name)).parameters.values()]
        assert actual == expected, f'{backend_path}.{name}{actual} != compat.{name}{expected}'


def test_the_door_exposes_exactly_the_contract():
    public = {name for name, value in vars(compat).items()
              if inspect.isfunction(value) and value.__module__ == compat.__name__ and not name.startswith('_')}
    assert public == set(compat.BACKEND_FUNCTIONS)
    assert set(compat.BACKEND_FUNCTIONS) <= set(dir(edx_platform))


class TestSandboxBackend:
    """The sandbox answers the compat functions from its own tables."""

    def test_course(self, demo):
        course = compat.get_course(demo.course_key)
        assert course.display_name == 'EXAM101: Digital exams on site'
        assert course.enable_proctored_exams is True
        assert course.allow_proctoring_opt_out is False
        assert course.other_course_settings['offline_delivery']['enabled'] is True

    def test_unknown_course(self, demo):
        from opaque_keys.edx.keys import CourseKey  # pylint: disable=import-outside-toplevel

        assert compat.get_course(CourseKey.from_string('course-v1:No+Such+Course')) is None

    @pytest.mark.parametrize('username,staff,instructor', [
        ('course_staff', True, False),
        ('admin', True, True),  # global staff
        ('verified_learner', False, False),
        ('invigilator', False, False),
        ('chief_invigilator', False, False),
    ])
    def test_staff_roles(self, demo, username, staff, instructor):
        user = demo.users[username]
        assert compat.is_course_staff(user, demo.course_key) is staff
        assert compat.is_course_instructor(user, demo.course_key) is instructor

    def test_staff_of_another_course_is_not_staff_here(self, demo, other_course):
        assert compat.is_course_staff(other_course.staff, other_course.course_key) is True
        assert compat.is_course_staff(other_course.staff, demo.course_key) is False

    @pytest.mark.parametrize('username,role,expected', [
        ('invigilator', roles.INVIGILATOR, True),
        ('invigilator', roles.CHIEF_INVIGILATOR, False),
        ('chief_invigilator', roles.CHIEF_INVIGILATOR, True),
        ('course_staff', roles.INVIGILATOR, False),
        ('verified_learner', roles.INVIGILATOR, False),
    ])
    def test_invigilator_roles(self, demo, username, role, expected):
        assert compat.has_course_role(demo.users[username], demo.course_key, role) is expected

    @pytest.mark.parametrize('username,mode', [
        ('verified_learner', 'verified'), ('audit_learner', 'audit'), ('course_staff', None),
    ])
    def test_enrollment_mode(self, demo, username, mode):
        assert compat.get_enrollment_mode(demo.users[username], demo.course_key) == mode

    def test_anonymous_ids_are_stable_and_distinct(self, demo):
        first = compat.get_anonymous_user_id(demo.verified_learner, demo.course_key)
        assert first == compat.get_anonymous_user_id(demo.verified_learner, demo.course_key)
        assert first != compat.get_anonymous_user_id(demo.verified_learner2, demo.course_key)
        assert len(first) == 32

    def test_exam_items_in_course_order(self, demo):
        items = compat.get_exam_item_ids(demo.verified_learner, demo.course_key, demo.final_exam_id)
        # The unit's instructions (an HTML block) hold no answer and are not an item.
        assert len(items) == 11
        assert items[0].endswith('block@final_control_word')
        assert items[-1].endswith('block@final_signature')
        assert [item.split('+type@')[1].split('+')[0] for item in items] == ['problem'] * 8 + [
            'exam_essay', 'exam_essay', 'problem']
