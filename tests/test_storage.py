"""
The plugin's files (accepted delivery files, bulk batches, results reports) go to the ``offline_delivery`` storage
when the site defines one in ``STORAGES`` (a private bucket), and to the default storage otherwise.
"""
import pytest
from django.core.files.storage import default_storage

from offline_delivery_plugin import api
from offline_delivery_plugin.models import DeliveryFile, ResultsReport
from offline_delivery_plugin.storage import plugin_storage
from tests.crypto_helpers import delivery_file
from tests.helpers import CONTROL_WORD, start_exam

pytestmark = pytest.mark.usefixtures('eager_celery')


@pytest.fixture
def private(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        'offline_delivery': {'BACKEND': 'django.core.files.storage.FileSystemStorage',
                             'OPTIONS': {'location': str(tmp_path / 'private'), 'base_url': None}},
    }
    return tmp_path / 'private'


def test_without_the_alias_the_default_storage(demo):
    assert plugin_storage() is default_storage


def test_files_and_reports_go_to_the_sites_own_storage(client, demo, private):
    attempt = start_exam(client, demo.verified_learner, demo.course_key, demo.final_exam_id)
    api.deliver_file(delivery_file(demo.verified_learner, attempt, {CONTROL_WORD: 'hej'}), attempt['id'],
                     demo.invigilator, 'staff')
    other = start_exam(client, demo.verified_learner2, demo.course_key, demo.final_exam_id)
    upload_id = api.start_bulk_upload([('stick/ville.offline-delivery', delivery_file(
        demo.verified_learner2, other, {CONTROL_WORD: 'hallå'}))], demo.course_key, demo.final_exam_id,
        demo.invigilator)
    assert [line['outcome'] for line in api.get_bulk_upload(upload_id, demo.course_key).results] == ['accepted']
    report = ResultsReport.objects.create(course_id=demo.course_key, requested_by=demo.course_staff)
    api.generate_results_report(report.id)
    report.refresh_from_db()

    names = [file.storage_name for file in DeliveryFile.objects.all()] + [report.storage_name]
    for name in names:
        assert (private / name).is_file(), name
        assert not default_storage.exists(name), name
    assert list(private.glob('offline_delivery/bulk/*.zip'))
    token = api.make_download_token(report.id, demo.course_staff.id)
    handle, _file_name = api.open_report_download(demo.course_key, token, demo.course_staff)
    with handle:
        assert b'verified_learner2' in handle.read()
