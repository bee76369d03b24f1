"""
The plugin's URLs in the LMS, mounted by the host under ``offline-delivery/`` (see ``apps.py``).
"""
from django.urls import include, path

from offline_delivery_plugin.views import ServiceWorkerView

app_name = 'offline_delivery_plugin'

urlpatterns = [
    path('api/v1/', include('offline_delivery_plugin.rest_api.v1.urls')),
    path('service-worker.js', ServiceWorkerView.as_view(), name='service-worker'),
]
