"""
The plugin's non-API pages and assets in the LMS.
"""
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views import View

SERVICE_WORKER = 'offline_delivery_plugin/js/service-worker.js'


class ServiceWorkerView(View):
    """
    The candidate page's service worker, served from a URL in the LMS (a service worker must come from the site it
    controls, not from a CDN) and allowed to cover the whole site: it only ever answers, from its copy, for the
    exam pages that asked it to keep one.

    Permission: public, like any static script. It holds no data; the pages it keeps are fetched with the
    candidate's own session.
    """

    public = True
    http_method_names = ['get', 'head']

    def get(self, request):
        """The worker's script."""
        path = finders.find(SERVICE_WORKER)
        if not path:
            raise Http404('service worker missing')
        with open(path, encoding='utf-8') as handle:
            response = HttpResponse(handle.read(), content_type='application/javascript; charset=utf-8')
        response['Service-Worker-Allowed'] = '/'
        response['Cache-Control'] = 'no-cache'
        return response
