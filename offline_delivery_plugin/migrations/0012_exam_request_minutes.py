from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('offline_delivery_plugin', '0011_invigilator_password_cosigning'),
    ]

    operations = [
        migrations.AddField(
            model_name='examrequest',
            name='minutes_requested',
            field=models.PositiveIntegerField(null=True),
        ),
    ]
