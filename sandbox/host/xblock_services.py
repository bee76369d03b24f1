"""
The XBlock runtime services the sandbox's exam content needs, as the LMS provides them to a learner's blocks.

The LMS builds them per learner in ``prepare_runtime_for_user`` (``lms/djangoapps/courseware/block_render.py``,
read at openedx/openedx-platform 5af5f01f): ``'user': DjangoXBlockUserService(...)``, ``'i18n':
XBlockI18nService``, ``'cache': CacheService(cache)``, ``'sandbox': SandboxService(...)``, ``'replace_urls':
ReplaceURLService(...)``, ``'xqueue': XQueueService``, ``'call_to_action': CallToActionService()`` and
``'publish': EventPublishingService(user, course_id, track_function)``. Open edX's ProblemBlock (from
``xblocks-contrib``) declares that it needs ``user``, ``i18n``, ``cache``, ``sandbox``, ``xqueue`` and
``replace_urls``; each class below names the LMS class it stands in for and keeps the methods capa calls.
"""
from django.core.cache import cache
from django.utils import translation
from django.utils.formats import date_format
from xblock.core import XBlockMixin
from xblock.fields import Boolean, Date, Dict, Float, Integer, Scope, String, Timedelta
from xblock.reference.user_service import UserService, XBlockUser

#: The ``opt_attrs`` keys the LMS's ``DjangoXBlockUserService`` sets (``common/djangoapps/xblock_django/
#: user_service.py``); capa reads the user id (its random seed), the anonymous id and the staff flag.
ATTR_KEY_ANONYMOUS_USER_ID = 'edx-platform.anonymous_user_id'
ATTR_KEY_DEPRECATED_ANONYMOUS_USER_ID = 'edx-platform.deprecated_anonymous_user_id'
ATTR_KEY_IS_AUTHENTICATED = 'edx-platform.is_authenticated'
ATTR_KEY_USER_ID = 'edx-platform.user_id'
ATTR_KEY_USERNAME = 'edx-platform.username'
ATTR_KEY_USER_IS_STAFF = 'edx-platform.user_is_staff'
ATTR_KEY_USER_ROLE = 'edx-platform.user_role'


class DjangoXBlockUserService(UserService):
    """``common.djangoapps.xblock_django.user_service.DjangoXBlockUserService``: the learner the block is bound to."""

    def __init__(self, django_user, user_is_staff=False, anonymous_user_id=None, user_role='student'):
        super().__init__()
        self._django_user = django_user
        self._user_is_staff = user_is_staff
        self._anonymous_user_id = anonymous_user_id
        self._user_role = user_role

    def get_current_user(self):
        """The learner as an ``XBlockUser``, with the ``opt_attrs`` the LMS sets."""
        user = self._django_user
        xblock_user = XBlockUser(is_current_user=True, emails=[user.email] if user.email else [],
                                 full_name=user.get_full_name())
        xblock_user.opt_attrs.update({
            ATTR_KEY_IS_AUTHENTICATED: user.is_authenticated,
            ATTR_KEY_USER_ID: user.id,
            ATTR_KEY_USERNAME: user.username,
            ATTR_KEY_USER_IS_STAFF: self._user_is_staff,
            ATTR_KEY_USER_ROLE: self._user_role,
            ATTR_KEY_ANONYMOUS_USER_ID: self._anonymous_user_id,
            # The LMS gives the course-less anonymous id here (``anonymous_id_for_user(user, None)``); the
            # sandbox keeps one id per course, which is what capa uses it for (a per-learner value).
            ATTR_KEY_DEPRECATED_ANONYMOUS_USER_ID: self._anonymous_user_id,
        })
        return xblock_user


class XBlockI18nService:
    """``xmodule.modulestore.django.XBlockI18nService``: Django's translation for the active language."""

    def __init__(self, block=None):
        self.block = block

    gettext = staticmethod(translation.gettext)
    ngettext = staticmethod(translation.ngettext)
    pgettext = staticmethod(translation.pgettext)
    npgettext = staticmethod(translation.npgettext)
    ugettext = gettext
    ungettext = ngettext

    def strftime(self, dtime, format):  # pylint: disable=redefined-builtin
        """A date in the active language (the LMS's ``strftime_localized``, for Django's named formats)."""
        return date_format(dtime, format if format in ('DATE_FORMAT', 'SHORT_DATE_FORMAT') else 'DATE_FORMAT')

    @staticmethod
    def get_language_bidi():
        """Whether the active language is written right to left."""
        return translation.get_language_bidi()


class CacheService:
    """``xmodule.services``'s ``CacheService(cache)``: the Django cache (capa caches rendered math and hints)."""

    def __init__(self, django_cache=cache):
        self._cache = django_cache

    def get(self, key, *args, **kwargs):
        """A cached value, or None."""
        return self._cache.get(key, *args, **kwargs)

    def set(self, key, value, *args, **kwargs):
        """Cache a value."""
        return self._cache.set(key, value, *args, **kwargs)


class SandboxService:
    """
    ``xmodule.services.SandboxService``: whether a problem may run its Python in codejail. The sandbox has no
    codejail: problems with ``<script type="loncapa/python">`` (custom and formula responses that run code) are
    left out of its course (docs/sandbox.rst), as an LMS without codejail configured leaves them.
    """

    def can_execute_unsafe_code(self):
        """Never: there is no codejail here."""
        return False

    def get_python_lib_zip(self):
        """No course Python library."""
        return None


class ReplaceURLService:
    """
    ``xmodule.services.ReplaceURLService``: rewrites ``/static/`` and ``/jump_to_id/`` links in a problem's HTML
    to the course's assets. The sandbox's problems link to no course assets, so their HTML passes unchanged.
    """

    def replace_urls(self, text, static_replace_only=False):  # pylint: disable=unused-argument
        """
        The text with course links made absolute (none to make here), as a plain ``str``: the LMS rewrites with
        ``re.sub``, which returns one, and capa relies on it (its ``problem_ajax.html`` puts the problem's HTML into
        the ``data-content`` attribute, which Django escapes only when the HTML is not marked safe).
        """
        return ''.join([text])


class XQueueService:
    """
    ``xmodule.capa.xqueue_interface.XQueueService``: the external grader queue. The sandbox runs no XQueue, so
    its course has no code-graded (``coderesponse``) problems; the attributes capa reads are here.
    """

    interface = None
    default_queuename = 'sandbox-no-xqueue'
    waittime = 5

    def __init__(self, block=None):
        self.block = block

    def construct_callback(self, dispatch='score_update'):
        """There is no queue to call back from."""
        raise NotImplementedError(f'The sandbox has no XQueue ({dispatch}).')


class InheritanceMixin(XBlockMixin):
    """
    ``xmodule.modulestore.inheritance.InheritanceMixin`` (read at openedx/openedx-platform e57a655d): the
    settings every block inherits from its course and subsection in the LMS, with the same names, scopes and
    defaults (the LMS mixes it into every block class). The sandbox stores settings on each block, so a problem
    uses its own value or the LMS's default; it does not inherit from the subsection.
    """

    graded = Boolean(scope=Scope.settings, default=False)
    start = Date(scope=Scope.settings)
    due = Date(scope=Scope.settings)
    relative_weeks_due = Integer(scope=Scope.settings)
    visible_to_staff_only = Boolean(scope=Scope.settings, default=False)
    course_edit_method = String(scope=Scope.settings, default='Studio')
    giturl = String(scope=Scope.settings)
    xqa_key = String(scope=Scope.settings)
    graceperiod = Timedelta(scope=Scope.settings)
    group_access = Dict(scope=Scope.settings)
    showanswer = String(scope=Scope.settings, default='finished')
    show_correctness = String(scope=Scope.settings, default='always')
    rerandomize = String(scope=Scope.settings, default='never')
    days_early_for_beta = Float(scope=Scope.settings, default=None)
    static_asset_path = String(scope=Scope.settings, default='')
    use_latex_compiler = Boolean(scope=Scope.settings, default=False)
    max_attempts = Integer(scope=Scope.settings)
    matlab_api_key = String(scope=Scope.settings)
    video_speed_optimizations = Boolean(scope=Scope.settings, default=True)
    video_auto_advance = Boolean(scope=Scope.settings, default=False)
    show_reset_button = Boolean(scope=Scope.settings, default=False)
    edxnotes = Boolean(scope=Scope.settings, default=False)
    in_entrance_exam = Boolean(scope=Scope.settings, default=False)
    self_paced = Boolean(scope=Scope.settings, default=False)
    hide_from_toc = Boolean(scope=Scope.settings, default=False)
