"""
The sandbox host's pages.
"""
from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from sandbox.host import courseware_api, studio_views, views

app_name = 'host'

USAGE_ID = r'(?P<usage_id>[^/]+)'
COURSE_ID = r'(?P<course_id>[^/]+)'

urlpatterns = [
    path('', views.landing, name='landing'),
    path('demo/reset/', views.reset_demo, name='reset-demo'),
    path('login/', auth_views.LoginView.as_view(template_name='host/login.html'), name='login'),
    path('logout/', auth_views.LogoutView.as_view(), name='logout'),
    path('account/language/', views.set_language, name='set-language'),
    re_path(rf'^courses/{COURSE_ID}/$', views.course_outline, name='course'),
    re_path(rf'^courses/{COURSE_ID}/instructor/$', views.instructor_dashboard, name='instructor-dashboard'),
    re_path(rf'^studio/courses/{COURSE_ID}/advanced/$', studio_views.advanced_settings, name='studio-advanced'),
    re_path(rf'^studio/courses/{COURSE_ID}/subsection/{USAGE_ID}/settings/$', studio_views.subsection_settings,
            name='studio-subsection'),
    re_path(r'^xblock/resource/(?P<block_type>[\w-]+)/(?P<uri>.+)$', views.xblock_resource, name='xblock-resource'),
    # What the learning MFE (the sandbox's MFE shell) reads from the LMS.
    path('api/user/v1/me', courseware_api.me, name='user-me'),
    re_path(rf'^api/courseware/sequence/{USAGE_ID}$', courseware_api.sequence_metadata, name='sequence-metadata'),
    re_path(rf'^xblock/{USAGE_ID}$', courseware_api.render_xblock, name='render-xblock'),
    re_path(rf'^xblock/{USAGE_ID}/handler/(?P<handler>[\w-]+)/(?P<suffix>.*)$', views.xblock_handler,
            name='xblock-handler'),
]
