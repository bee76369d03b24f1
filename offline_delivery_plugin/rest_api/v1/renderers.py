"""
Renderers of REST API v1 besides DRF's JSON: the course's audit log as a CSV file.
"""
import csv
import json

from django.http import StreamingHttpResponse
from rest_framework.renderers import BaseRenderer

from offline_delivery_plugin import api


class _Echo:
    """A file-like object whose ``write`` returns the line, so that ``csv.writer`` hands each line back."""

    def write(self, value):
        """The line itself, to be yielded instead of written."""
        return value


class AuditLogCsvRenderer(BaseRenderer):
    """
    The audit log as CSV for course staff's spreadsheet: a header of ``api.AUDIT_COLUMNS``, then one line per event,
    its ``detail`` as JSON. Every cell goes through ``api.safe_row``: text people typed (a reason, a file name from
    a USB stick) that would start a formula stays text.

    ``render`` yields the lines one at a time instead of returning the whole file, as DRF's ``Response`` would
    build it: the export is everything a course ever logged, and is sent as a ``StreamingHttpResponse``
    (``streaming_response``). The view picks it with ``?export=csv``, not through content negotiation, so the
    JSON endpoint answers every ``Accept`` header as it did.
    """

    media_type = 'text/csv'
    format = 'csv'
    charset = 'utf-8'

    def render(self, data, accepted_media_type=None, renderer_context=None):
        """The CSV lines of ``data``, an iterable of audit rows (``api.list_audit_events``), read as they are sent."""
        writer = csv.writer(_Echo())
        yield writer.writerow(api.AUDIT_COLUMNS)
        for row in data:
            yield writer.writerow(api.safe_row(
                json.dumps(row[column]) if column == 'detail' else row[column] for column in api.AUDIT_COLUMNS))

    def streaming_response(self, rows, file_name):
        """The CSV of ``rows`` as a download named ``file_name``, streamed line by line."""
        response = StreamingHttpResponse(self.render(rows), content_type=f'{self.media_type}; charset={self.charset}')
        response['Content-Disposition'] = f'attachment; filename="{file_name}"'
        return response
