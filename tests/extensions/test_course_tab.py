"""
The course tab *Offline delivery & proctoring*, as the LMS lists dynamic tabs.

``xmodule`` is edx-platform's and not installed here, so ``xmodule.tabs.CourseTab`` is stood in for by the part of
it a dynamic tab uses (openedx/openedx-platform e57a655d ``xmodule/tabs.py``: the constructor's ``name``,
``tab_id`` and ``tab_dict``, and ``link_func`` read from ``tab_dict``); ``listed_tabs`` does what
``lms/djangoapps/courseware/tabs.py::_get_dynamic_tabs`` (2bd610a4) does with every tab type the entry point
registers, and the serializer of ``course_home_api/course_metadata`` with its link.
"""
import importlib
import sys
import types
from importlib.metadata import entry_points

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse


class StandInCourseTab:
    """``xmodule.tabs.CourseTab``'s constructor and ``link_func``, as read at e57a655d."""

    type = ''
    title = None
    priority = None
    view_name = None
    is_dynamic = False
    is_default = True

    def __init__(self, tab_dict):
        self.name = tab_dict.get('name', self.title)
        self.tab_id = tab_dict.get('tab_id', getattr(self, 'tab_id', self.type))
        self.tab_dict = tab_dict

    @property
    def link_func(self):
        return self.tab_dict['link_func']


@pytest.fixture
def tab_type(monkeypatch):
    xmodule = types.ModuleType('xmodule')
    tabs = types.ModuleType('xmodule.tabs')
    tabs.CourseTab = StandInCourseTab
    monkeypatch.setitem(sys.modules, 'xmodule', xmodule)
    monkeypatch.setitem(sys.modules, 'xmodule.tabs', tabs)
    monkeypatch.delitem(sys.modules, 'offline_delivery_plugin.compat.course_tab', raising=False)
    module = importlib.import_module('offline_delivery_plugin.compat.course_tab')
    yield module.OfflineDeliveryCourseTab
    sys.modules.pop('offline_delivery_plugin.compat.course_tab', None)


def listed_tabs(tab_class, course, user):
    """The dynamic tabs ``get_course_tab_list`` adds for ``user``, as (title, url) the learning MFE shows."""
    tab = tab_class({})
    return [(tab.name, tab.link_func(course, reverse))] if tab.is_dynamic and tab.is_enabled(course, user=user) else []


def test_the_package_registers_the_tab_for_the_lms():
    registered = {point.name: point.value for point in entry_points(group='openedx.course_tab')}
    assert registered == {'offline_delivery': 'offline_delivery_plugin.compat.course_tab:OfflineDeliveryCourseTab'}


@pytest.mark.parametrize('username', ['course_staff', 'chief_invigilator', 'invigilator', 'admin'])
def test_the_course_team_and_the_hall_see_the_tab_leading_to_the_plugins_page(demo, tab_type, username):
    course = types.SimpleNamespace(id=demo.course_key)
    assert listed_tabs(tab_type, course, demo.users[username]) == [
        ('Offline delivery & proctoring', f'/offline-delivery/courses/{demo.course_key}/')]
    assert (tab_type.type, tab_type.priority, tab_type.is_default) == ('offline_delivery', 310, False)


@pytest.mark.parametrize('username', ['verified_learner', 'audit_learner', None])
def test_learners_and_visitors_do_not(demo, tab_type, username):
    user = demo.users[username] if username else AnonymousUser()
    assert listed_tabs(tab_type, types.SimpleNamespace(id=demo.course_key), user) == []


def test_staff_of_another_course_do_not(demo, other_course, tab_type):
    assert listed_tabs(tab_type, types.SimpleNamespace(id=demo.course_key), other_course.staff) == []
