"""
The course team's offline-delivery settings (``course_settings``): what Studio's Advanced Settings may hold under
``offline_delivery``, their defaults, and reading a course's settings.
"""
import pytest
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey

from offline_delivery_plugin import api
from offline_delivery_plugin.exceptions import CourseNotFound, InvalidCourseSettings


class TestValidateCourseSettings:
    """``validate_course_settings``: what Studio's Advanced Settings may hold under ``offline_delivery``."""

    def test_defaults(self):
        validated = api.validate_course_settings({})
        assert validated.enabled is False
        assert validated.autosave_interval_seconds == 15
        assert validated.allow_deliver_blank is True
        assert 'contact an invigilator' in validated.connection_lost_message

    def test_none_is_the_defaults(self):
        assert api.validate_course_settings(None) == api.validate_course_settings({})

    @override_settings(OFFLINE_DELIVERY_AUTOSAVE_INTERVAL_SECONDS=20)
    def test_site_default_interval(self):
        assert api.validate_course_settings({}).autosave_interval_seconds == 20

    def test_full(self):
        validated = api.validate_course_settings({
            'enabled': True, 'autosave_interval_seconds': 30, 'allow_deliver_blank': False,
            'connection_lost_message': '  Call the invigilator in room B.  ',
        })
        assert (validated.enabled, validated.autosave_interval_seconds, validated.allow_deliver_blank) == (
            True, 30, False)
        assert validated.connection_lost_message == 'Call the invigilator in room B.'

    @pytest.mark.parametrize('raw,key,message', [
        ({'enabled': 'yes'}, 'enabled', 'true or false'),
        ({'enabled': 1}, 'enabled', 'true or false'),
        ({'allow_deliver_blank': None}, 'allow_deliver_blank', 'true or false'),
        ({'autosave_interval_seconds': 4}, 'autosave_interval_seconds', 'from 5 to 300'),
        ({'autosave_interval_seconds': 301}, 'autosave_interval_seconds', 'from 5 to 300'),
        ({'autosave_interval_seconds': '15'}, 'autosave_interval_seconds', 'whole number'),
        ({'autosave_interval_seconds': True}, 'autosave_interval_seconds', 'whole number'),
        ({'autosave_interval_seconds': 15.5}, 'autosave_interval_seconds', 'whole number'),
        ({'connection_lost_message': ''}, 'connection_lost_message', 'non-empty'),
        ({'connection_lost_message': 42}, 'connection_lost_message', 'non-empty'),
        ({'connection_lost_message': 'x' * 1001}, 'connection_lost_message', 'at most 1000'),
        ({'enable': True}, 'enable', 'Unknown setting'),
        ([], 'offline_delivery', 'JSON object'),
        ('on', 'offline_delivery', 'JSON object'),
    ])
    def test_each_error_names_its_key(self, raw, key, message):
        with pytest.raises(InvalidCourseSettings) as caught:
            api.validate_course_settings(raw)
        assert message in caught.value.errors[key]

    def test_all_errors_at_once(self):
        with pytest.raises(InvalidCourseSettings) as caught:
            api.validate_course_settings({'enabled': 'no', 'autosave_interval_seconds': 0, 'colour': 'red'})
        assert set(caught.value.errors) == {'enabled', 'autosave_interval_seconds', 'colour'}


class TestReadingCourseSettings:
    """Reading a course's settings."""

    def test_settings_of_the_demo_course(self, demo):
        settings = api.get_course_delivery_settings(demo.course_key)
        assert settings.enabled is True
        assert settings.autosave_interval_seconds == 15

    def test_settings_accept_a_string_course_id(self, demo):
        assert api.get_course_delivery_settings(str(demo.course_key)).enabled is True

    def test_invalid_stored_settings_read_as_off(self, demo):
        demo.course.other_course_settings = {'offline_delivery': {'enabled': 'maybe'}}
        demo.course.save()
        settings = api.get_course_delivery_settings(demo.course_key)
        assert settings.enabled is False
        assert settings == api.validate_course_settings({})

    def test_unknown_course(self, db):
        with pytest.raises(CourseNotFound):
            api.get_course_delivery_settings(CourseKey.from_string('course-v1:No+Such+Course'))
        with pytest.raises(CourseNotFound):
            api.list_course_exams('course-v1:No+Such+Course')


@pytest.mark.parametrize('value', [['course_staff'], 'invigilator', [1], ['invigilator', 'dean']])
def test_hall_roles_must_be_known_roles(value):
    with pytest.raises(InvalidCourseSettings) as caught:
        api.validate_course_settings({'upload_roles': value, 'reopen_roles': value})
    assert set(caught.value.errors) == {'upload_roles', 'reopen_roles'}
