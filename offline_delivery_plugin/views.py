"""
The plugin's non-API pages and assets in the LMS.
"""
import contextlib
import re
from urllib.parse import urlsplit

import rules as rules_lib
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.i18n import JavaScriptCatalog
from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import UsageKey

from offline_delivery_plugin import api, rules
from offline_delivery_plugin.exceptions import CourseNotFound
from offline_delivery_plugin.http import client_address, course_key_from_url

SERVICE_WORKER = 'offline_delivery_plugin/js/service-worker.js'
#: How many decided requests the tab lists under the pending ones.
RECENT_DECISIONS = 20


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


class SafeExamBrowserConfigView(View):
    """
    An exam's ``.seb`` file, for Safe Exam Browser to start with (the ``sebs://`` link on the learner's exam page
    and the course page) or for a hall's IT to install on its computers.

    Permission: public, with a link the site signed. SEB loads the file with its own client, without the learner's
    session (as Moodle's ``config.php`` link does), so the link names the exam signed by the site; a link the site
    did not make, or an exam that does not require SEB, is a 404. The file holds what SEB needs and no secret of
    the plugin's: the quit password only as SEB's SHA-256 of it.
    """

    public = True
    http_method_names = ['get', 'head']

    def get(self, request, token):
        """The file."""
        try:
            course_key, content_id = api.read_config_link_token(token)
            data = api.seb_config_file(course_key, content_id)
        except api.ExamNotFound as error:
            raise Http404(error.user_message) from error
        response = HttpResponse(data, content_type='application/seb')
        response['Content-Disposition'] = 'attachment; filename="exam.seb"'
        response['Cache-Control'] = 'private, no-cache, no-store'
        response['X-Content-Type-Options'] = 'nosniff'
        return response


class SafeExamBrowserQuitView(View):
    """
    The exam's quit URL (``quitURL`` of its ``.seb`` file): Safe Exam Browser quits when it is asked to open it,
    after asking the user. Opened in any other browser, it says so.

    Permission: public; it holds nothing.
    """

    public = True
    http_method_names = ['get', 'head']

    def get(self, request):
        """The page SEB never shows."""
        return _page(request, 'offline_delivery_plugin/seb_quit.html')


class OnThisDevicePageView(View):
    """
    *Exams on this device*: the way back into an exam when the learning MFE cannot open without the network (a
    reload, a crashed browser). The page lists, from this browser's IndexedDB, the attempts it holds answers of and
    links to their units, which the service worker has kept (ADR 0017). The page itself is the same for everybody.

    Permission: public, like a static page: it carries no data; what it shows is what this browser holds.
    """

    public = True
    http_method_names = ['get', 'head']

    def get(self, request):
        """The page."""
        return render(request, 'offline_delivery_plugin/on_this_device.html')


class PluginJavaScriptCatalog(JavaScriptCatalog):
    """
    The plugin's own JavaScript translations (``gettext`` for candidate.js and monitor.js), in the user's
    language.

    Permission: public, like any static script: it holds the plugin's UI strings and nothing else.
    """

    public = True
    packages = ['offline_delivery_plugin']


class CoursePagePermissionMixin(LoginRequiredMixin):
    """
    The permission check of every course page, in one place: like Django's ``PermissionRequiredMixin``, the view
    names ``permission_required``, but it is a django-rules permission checked on the course the URL names.

    Someone not logged in goes to the login page; then the course id is parsed once (a malformed one is a 404) and
    kept as ``self.course_key`` for the view; without the permission on that course the answer is the denied page,
    403. Only the view's own handlers are guarded: Django's ``OPTIONS`` answer and its 405 stay as they are.
    """

    permission_required = None

    def dispatch(self, request, *args, **kwargs):
        """Log in, parse the course, check the permission, then the view's handler."""
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self._is_page_handler(request.method):
            self.course_key = course_key_from_url(kwargs['course_id'])
            if not (self.permission_required
                    and rules_lib.has_perm(self.permission_required, request.user, self.course_key)):
                return _page(request, 'offline_delivery_plugin/denied.html', course_key=self.course_key, status=403)
        return super().dispatch(request, *args, **kwargs)

    def _is_page_handler(self, method):
        """Whether ``method`` reaches a handler this page defines (not Django's own ``options`` or a 405)."""
        name = method.lower()
        return name in self.http_method_names and hasattr(self, name) and not hasattr(View, name)


class MonitorPageView(CoursePagePermissionMixin, View):
    """
    The Monitor of one exam, for course staff, chief invigilators and invigilators: every candidate's state,
    uploads of delivery files, their answers. The data come from the REST API (``ExamMonitorView``).

    Permission: ``rules.VIEW_MONITOR`` on the course; anyone else gets a 403 page.
    """

    permission_required = rules.VIEW_MONITOR

    def get(self, request, course_id, content_id):
        """The page."""
        course_key = self.course_key
        try:
            exam, _rows = api.get_monitor(course_key, content_id)
        except api.ExamNotFound as error:
            raise Http404(error.user_message) from error
        return _page(request, 'offline_delivery_plugin/monitor.html', {
            'course_id': str(course_key), 'content_id': content_id, 'exam': exam,
            'can_upload': rules_lib.has_perm(rules.UPLOAD_DELIVERY, request.user, course_key),
            'can_reopen': rules_lib.has_perm(rules.REOPEN_ATTEMPT, request.user, course_key),
            'can_check_in': rules_lib.has_perm(rules.CHECK_IN_CANDIDATE, request.user, course_key),
            'can_review': rules_lib.has_perm(rules.REVIEW_HALL_ATTEMPT, request.user, course_key),
            'can_set_password': rules_lib.has_perm(rules.SET_INVIGILATOR_PASSWORD, request.user, course_key),
            # The most files one request may carry; the page uploads a bigger folder in batches of this size.
            'batch_files': settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        }, course_key=course_key)


def dashboard_tab_context(user, course_key):
    """
    What the course's offline-delivery tab shows ``user``: the exams, and for course staff the passwords, the hall
    roles and the audit log. Shared by the page below and the Instructor Dashboard pipeline step, so both show the same.
    """
    dashboard = api.get_course_dashboard(course_key)
    can_decide = rules_lib.has_perm(rules.DECIDE_EXAM_REQUESTS, user, course_key)
    requests = api.list_course_requests(course_key) if can_decide else []
    can_manage_roles = rules_lib.has_perm(rules.MANAGE_HALL_ROLES, user, course_key)
    can_configure_seb = rules_lib.has_perm(rules.CONFIGURE_SAFE_EXAM_BROWSER, user, course_key)
    return {
        'course_id': dashboard.course_id, 'course_name': dashboard.course_name, 'exams': dashboard.exams,
        'can_set_password': rules_lib.has_perm(rules.SET_INVIGILATOR_PASSWORD, user, course_key),
        'can_view_audit': rules_lib.has_perm(rules.VIEW_AUDIT, user, course_key),
        'can_decide': can_decide,
        'can_download_reports': rules_lib.has_perm(rules.DOWNLOAD_REPORTS, user, course_key),
        'can_manage_roles': can_manage_roles,
        'settings_check': (api.check_course_settings(course_key)
                           if rules_lib.has_perm(rules.VALIDATE_COURSE_SETTINGS, user, course_key) else None),
        'hall_roles': api.list_hall_roles(course_key) if can_manage_roles else [],
        'safe_exam_browser': [(row.exam, api.get_safe_exam_browser_exam(course_key, row.exam.content_id))
                              for row in dashboard.exams] if can_configure_seb else [],
        'pending_requests': [r for r in requests if r.status == 'pending'],
        'decided_requests': [r for r in requests if r.status != 'pending'][:RECENT_DECISIONS],
    }


class CourseDashboardView(CoursePagePermissionMixin, View):
    """
    The course's "Offline delivery & proctoring" page: the same content as the Instructor Dashboard tab, as a page
    of its own (the MFE's tab links here; invigilators, who have no Instructor Dashboard, start here).

    Permission: ``rules.VIEW_EXAMS`` on the course (course staff, chief invigilators, invigilators); what each
    sees beyond the Monitor links follows ``SET_INVIGILATOR_PASSWORD`` and ``VIEW_AUDIT``. Anyone else: 403.
    """

    permission_required = rules.VIEW_EXAMS

    def get(self, request, course_id):
        """The page."""
        try:
            context = dashboard_tab_context(request.user, self.course_key)
        except CourseNotFound as error:
            raise Http404(error.user_message) from error
        return _page(request, 'offline_delivery_plugin/dashboard.html', context, course_key=self.course_key)


class AuditPageView(CoursePagePermissionMixin, View):
    """
    The course's audit log for course staff: the newest 500 events, and the whole log as CSV.

    Permission: ``rules.VIEW_AUDIT`` on the course; anyone else gets a 403 page.
    """

    permission_required = rules.VIEW_AUDIT

    def get(self, request, course_id):
        """The page."""
        return _page(request, 'offline_delivery_plugin/audit.html', {
            'course_id': str(self.course_key), 'events': list(api.list_audit_events(self.course_key, limit=500)),
        }, course_key=self.course_key)


class ExamRequestsPageView(CoursePagePermissionMixin, View):
    """
    A learner's page for one exam: their allowed time (allowances included), the review rules, and their requests
    for additional time, a special allowance or a retake, with the course team's answers. Plain HTML forms.

    Permission: ``rules.MAKE_EXAM_REQUESTS`` (an enrolled learner) on the course; anyone else gets a 403 page.
    """

    permission_required = rules.MAKE_EXAM_REQUESTS

    def get(self, request, course_id, content_id, error='', status=200):
        """The page."""
        try:
            learner_exam = api.get_learner_exam(request.user, self.course_key, content_id)
        except api.RequestRefused as refusal:
            raise Http404(refusal.user_message) from refusal
        seb = api.get_safe_exam_browser_exam(self.course_key, content_id)
        return _page(request, 'offline_delivery_plugin/exam_requests.html', {
            'learner_exam': learner_exam, 'error': error, 'done': request.GET.get('done', ''),
            'seb': seb if seb.required else None,
        }, course_key=self.course_key, status=status)

    def post(self, request, course_id, content_id):
        """Ask, or withdraw; then back to the page (or the page with the reason nothing was done)."""
        course_key = self.course_key
        try:
            if request.POST.get('action') == 'withdraw':
                api.withdraw_exam_request(request.user, course_key, _as_int(request.POST.get('request_id')))
                done = 'withdrawn'
            else:
                minutes = request.POST.get('minutes', '').strip()
                api.create_exam_request(request.user, course_key, content_id, request.POST.get('kind', ''),
                                        request.POST.get('reason', ''),
                                        minutes=_as_minutes(minutes) if minutes else None)
                done = 'asked'
        except api.RequestRefused as refusal:
            return self.get(request, course_id, content_id, error=refusal.user_message, status=400)
        return redirect(f'{request.path}?done={done}')


class CheckInPageView(LoginRequiredMixin, View):
    """
    The check-in at an exam proctored by on-site invigilation, on the candidate's screen: frontend-lib-special-exams'
    *Start System Check* opens it (the backend's ``download_url``). The invigilator checks the candidate and types
    the invigilator password; then the candidate goes back to the exam and selects *Start Exam*. A plain HTML form.

    Permission: ``rules.WRITE_OWN_ATTEMPT`` on the attempt, its own candidate (anyone else, or an attempt not at an
    on-site exam: 404, which says nothing of whose it is). Every try is counted and audited by the password gate.
    """

    permission_required = rules.WRITE_OWN_ATTEMPT

    def dispatch(self, request, *args, **kwargs):
        """Log in, then the attempt's own candidate only."""
        if request.user.is_authenticated and not rules_lib.has_perm(self.permission_required, request.user,
                                                                    kwargs['attempt_id']):
            raise Http404(_('There is no such exam attempt of yours at an exam in a hall.'))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, attempt_id, error='', status=200):
        """The page."""
        try:
            check_in = api.get_check_in(request.user, attempt_id)
        except api.AttemptNotFound as error_:
            raise Http404(error_.user_message) from error_
        course_key = course_key_from_url(check_in['course_id'])
        return _page(request, 'offline_delivery_plugin/check_in.html', {
            'check_in': check_in, 'error': error,
            'exam_url': api.get_exam_url(check_in['course_id'], check_in['content_id']),
            'password_max': api.INVIGILATOR_PASSWORD_MAX_LENGTH,
        }, course_key=course_key, status=status)

    def post(self, request, attempt_id):
        """Check the password; then the page again, saying what happened."""
        password = request.POST.get('password', '')
        if not password or len(password) > api.INVIGILATOR_PASSWORD_MAX_LENGTH:
            return self.get(request, attempt_id, error=_('Type the invigilator password.'), status=400)
        try:
            api.check_in_with_password(request.user, attempt_id, password, ip_address=client_address(request))
        except (api.UnlockRefused, api.CannotCheckIn) as refusal:
            return self.get(request, attempt_id, error=refusal.user_message, status=refusal.http_status)
        except api.AttemptNotFound as error_:
            raise Http404(error_.user_message) from error_
        return redirect(request.path)


class ExamFilePageView(LoginRequiredMixin, View):
    """
    The exam-file page: what the learning MFE's ``course_breadcrumbs`` slot frames beside an exam subsection
    (the Tutor plugin's widget, ``docs/decisions/0017-the-file-after-the-time.rst``). It stays when
    frontend-lib-special-exams replaces the sequence, and its unit iframe with it, at the end of the time: then, if
    the answers on this device have not all reached the server, it offers *Save delivery as file* (and, back
    online, *Deliver the saved file now*) with every answer of every unit. Until then it shows nothing. The page
    and its scripts are kept by the service worker, so it opens offline too.

    ``?course_id=<course key>&content_id=<subsection usage key>``, as the slot's ``courseId`` and ``sequenceId``.

    Permission: ``rules.WRITE_OWN_ATTEMPT``: the signed-in learner's own attempt in progress, looked up by the user
    (nobody can name another's); without one, an enrolled learner gets a line with their time (allowances
    included), a pending request that holds the start, and the link to their page of the exam (its rules, their
    requests and the result). Framed only by this site and the learning MFE's
    origin (``OFFLINE_DELIVERY_FRAME_ANCESTORS``, by default ``LEARNING_MICROFRONTEND_URL``'s).
    """

    permission_required = rules.WRITE_OWN_ATTEMPT
    http_method_names = ['get', 'head']

    def get(self, request):
        """The page."""
        course_key = course_key_from_url(request.GET.get('course_id', ''))
        content_id = request.GET.get('content_id', '')
        try:
            in_course = UsageKey.from_string(content_id).course_key == course_key
        except InvalidKeyError:
            in_course = False
        if not in_course:
            raise Http404(_('{content_id} is not a valid exam id.').format(content_id=content_id))
        page = api.get_exam_file_page(request.user, course_key, content_id)
        if page['attempt_id'] is not None and not rules_lib.has_perm(self.permission_required, request.user,
                                                                     page['attempt_id']):
            page['attempt_id'] = None
        context = {**page, 'content_id': content_id, 'course_id': str(course_key)}
        if page['attempt_id'] is None and rules_lib.has_perm(rules.MAKE_EXAM_REQUESTS, request.user, course_key):
            # Before the attempt and after it: the learner's time, the rules and requests are one link away.
            with contextlib.suppress(api.RequestRefused):  # not an exam: nothing to say
                context['learner_exam'] = api.get_learner_exam(request.user, course_key, content_id)
        response = render(request, 'offline_delivery_plugin/exam_file.html', context)
        response['Content-Security-Policy'] = 'frame-ancestors ' + ' '.join(["'self'", *_frame_ancestors()])
        response['Cache-Control'] = 'no-store'
        return response

    @classmethod
    def as_view(cls, **initkwargs):
        """Framed by the MFE: no ``X-Frame-Options`` (its ``frame-ancestors`` says who may frame it)."""
        return xframe_options_exempt(super().as_view(**initkwargs))


def _frame_ancestors():
    """The origins that may frame the exam-file page besides this site's own (anything but an http(s) origin is
    left out: a value that could break the header never reaches it)."""
    urls = list(settings.OFFLINE_DELIVERY_FRAME_ANCESTORS or [])
    if not urls and getattr(settings, 'LEARNING_MICROFRONTEND_URL', None):
        urls = [settings.LEARNING_MICROFRONTEND_URL]
    origins = []
    for url in urls:
        parts = urlsplit(str(url))
        if parts.scheme in ('http', 'https') and re.fullmatch(r'[A-Za-z0-9.-]+(:[0-9]{1,5})?', parts.netloc):
            origins.append(f'{parts.scheme}://{parts.netloc}')
    return origins


def _page(request, template, context=None, course_key=None, status=200):
    """
    Render one of the plugin's pages inside the site's own page (``OFFLINE_DELIVERY_BASE_TEMPLATE``, the LMS's
    ``main_django.html`` by default: its header, footer and theme), with the way back to ``course_key``'s course
    (and to the plugin's course page, for those who may see it) when the page is one course's.
    """
    context = {'base_template': settings.OFFLINE_DELIVERY_BASE_TEMPLATE, **(context or {})}
    if course_key is not None and 'course_home_url' not in context:
        context['course_home_url'] = api.get_course_home_url(course_key)
        if template != 'offline_delivery_plugin/dashboard.html' and rules_lib.has_perm(
                rules.VIEW_EXAMS, request.user, course_key):
            context['dashboard_url'] = reverse('offline_delivery_plugin:course-dashboard', args=[str(course_key)])
    return render(request, template, context, status=status)


def _as_minutes(text):
    """The minutes a learner typed: a whole number, or a refusal in their words (the api checks the range)."""
    if len(text) > 6 or not text.isascii() or not text.isdigit():
        raise api.RequestRefused(_('Extra minutes must be a whole number.'))
    return int(text)


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class ReportDownloadView(CoursePagePermissionMixin, View):
    """
    Serve a finished results report through a signed link that names the report and the user and lasts 5 minutes,
    so a link copied elsewhere, or read from a page left open, does not leak learner data.

    Permission: ``rules.DOWNLOAD_REPORTS`` on the course, checked again at download; the link must be the user's.
    """

    permission_required = rules.DOWNLOAD_REPORTS

    def get(self, request, course_id, token):
        """The CSV file, or a page saying why not (403 for the permission, 410 for an expired or foreign link)."""
        try:
            handle, file_name = api.open_report_download(self.course_key, token, request.user)
        except api.ReportNotAvailable as error:
            return _page(request, 'offline_delivery_plugin/denied.html', {'reason': error.user_message},
                         course_key=self.course_key, status=410)
        response = FileResponse(handle, as_attachment=True, filename=file_name, content_type='text/csv')
        response['Cache-Control'] = 'no-store'
        return response
