"""
A bulk upload's result lines move from one JSON list on the batch into a row per file (``BulkUploadFile``), so that
workers delivering parts of a batch at once never write the same row. Batches uploaded before keep their lines.
"""
import django.db.models.deletion
from django.db import migrations, models


def lines_to_rows(apps, schema_editor):
    """Each stored result line of an earlier batch becomes the row of the file at its place."""
    upload_model = apps.get_model('offline_delivery_plugin', 'BulkUpload')
    file_model = apps.get_model('offline_delivery_plugin', 'BulkUploadFile')
    for upload in upload_model.objects.using(schema_editor.connection.alias).iterator():
        file_model.objects.using(schema_editor.connection.alias).bulk_create(
            file_model(upload_id=upload.id, index=index, outcome=str(line.get('outcome', ''))[:24], result=line)
            for index, line in enumerate(upload.results or []))


def rows_to_lines(apps, schema_editor):
    """Back: the rows with a result line become the batch's list again."""
    upload_model = apps.get_model('offline_delivery_plugin', 'BulkUpload')
    file_model = apps.get_model('offline_delivery_plugin', 'BulkUploadFile')
    for upload in upload_model.objects.using(schema_editor.connection.alias).iterator():
        lines = list(file_model.objects.using(schema_editor.connection.alias).filter(upload_id=upload.id).exclude(
            outcome='').order_by('index').values_list('result', flat=True))
        upload.results, upload.done = lines, len(lines)
        upload.save(update_fields=['results', 'done'])


class Migration(migrations.Migration):

    dependencies = [
        ('offline_delivery_plugin', '0002_safe_exam_browser'),
    ]

    operations = [
        migrations.CreateModel(
            name='BulkUploadFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveIntegerField()),
                ('outcome', models.CharField(blank=True, default='', max_length=24)),
                ('result', models.JSONField(default=dict)),
                ('upload', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files',
                                             to='offline_delivery_plugin.bulkupload')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('upload', 'index'),
                                                        name='offline_delivery_bulk_file_index')],
            },
        ),
        migrations.RunPython(lines_to_rows, rows_to_lines),
        migrations.RemoveField(
            model_name='bulkupload',
            name='results',
        ),
        migrations.RemoveField(
            model_name='bulkupload',
            name='done',
        ),
    ]
