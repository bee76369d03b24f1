"""
The sandbox's URLs plus the ingest benchmark's floor: a bare view that inserts the request body in one statement.
"""
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from sandbox.urls import urlpatterns as sandbox_urlpatterns

FLOOR_TABLE = 'bench_floor'


@csrf_exempt
def floor(request):
    """What any write of a snapshot must at least cost: read the body, one insert, answer."""
    with connection.cursor() as cursor:
        cursor.execute(f'INSERT INTO {FLOOR_TABLE} (payload) VALUES (%s)', [request.body.decode()])
    return HttpResponse(status=204)


urlpatterns = [path('bench/floor/', floor), *sandbox_urlpatterns]
