"""
WSGI entry point of the sandbox (gunicorn ``sandbox.wsgi``).
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sandbox.settings.demo')
application = get_wsgi_application()
