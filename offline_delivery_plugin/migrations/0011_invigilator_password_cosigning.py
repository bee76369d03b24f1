"""
Invigilator passwords get a co-signing key (delivery file format 2) and a history: each change adds a row.

A password set before cannot be given a co-signing key (the password itself was never stored), so its rows are
removed: course staff set the exam's invigilator password again (the course page says none is set).
"""
from django.db import migrations, models


def remove_passwords_without_cosigning_key(apps, schema_editor):
    apps.get_model('offline_delivery_plugin', 'InvigilatorPassword').objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('offline_delivery_plugin', '0010_attempt_code_optional'),
    ]

    operations = [
        migrations.RunPython(remove_passwords_without_cosigning_key, migrations.RunPython.noop),
        migrations.AlterUniqueTogether(name='invigilatorpassword', unique_together=set()),
        migrations.AddField(model_name='invigilatorpassword', name='pid',
                            field=models.CharField(max_length=64, unique=True, default=''), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='active_for',
                            field=models.CharField(max_length=520, null=True, unique=True)),
        migrations.AddField(model_name='invigilatorpassword', name='cosign_salt',
                            field=models.CharField(max_length=64, default=''), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='cosign_iterations',
                            field=models.PositiveIntegerField(default=0), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='kek_id',
                            field=models.CharField(max_length=64, default=''), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='wrap_nonce',
                            field=models.BinaryField(default=b''), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='wrapped_cosign_key',
                            field=models.BinaryField(default=b''), preserve_default=False),
        migrations.AddField(model_name='invigilatorpassword', name='retired', field=models.DateTimeField(null=True)),
        migrations.AlterField(model_name='invigilatorpassword', name='set_at',
                              field=models.DateTimeField(auto_now_add=True)),
        migrations.AddIndex(model_name='invigilatorpassword',
                            index=models.Index(fields=['course_id', 'content_id'],
                                               name='offline_del_course__5fea57_idx')),
    ]
