"""
The sandbox's Celery app, as the LMS has its own: it finds the plugins' ``tasks`` modules by autodiscovery.
"""
import os

from celery import Celery

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sandbox.settings.demo')

app = Celery('sandbox')
app.config_from_object('django.conf:settings', namespace='CELERY')
app.autodiscover_tasks()
