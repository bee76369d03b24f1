"""
Serializers of the REST API v1: the wire shape of the plugin's data classes.
"""
from rest_framework import serializers


class CourseDeliverySettingsSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.CourseDeliverySettings`` on the wire."""

    enabled = serializers.BooleanField()
    autosave_interval_seconds = serializers.IntegerField()
    connection_lost_message = serializers.CharField()
    allow_deliver_blank = serializers.BooleanField()


class ExamSummarySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """``data.ExamSummary`` on the wire."""

    exam_id = serializers.IntegerField()
    content_id = serializers.CharField()
    exam_name = serializers.CharField()
    exam_type = serializers.CharField()
    time_limit_mins = serializers.IntegerField()


class CourseSettingsDraftSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """
    A draft of the course's offline-delivery settings, as Studio's Advanced Settings would save it.

    Only the shape is checked here (an object under ``offline_delivery``); the meaning is checked by
    ``api.validate_course_settings`` so the rules live in one place.
    """

    offline_delivery = serializers.DictField(allow_empty=True)
