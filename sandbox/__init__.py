"""
The sandbox host: a small LMS-like Django project that runs edx-proctoring and the plugin without edx-platform.
"""
from sandbox.celery import app as celery_app

__all__ = ['celery_app']
