"""
Packaging for offline_delivery_plugin.

The plugin registers itself with the LMS and Studio through the ``lms.djangoapp`` and ``cms.djangoapp``
entry points, the way every Open edX Django app plugin does (see edx-django-utils' plugin how-to).
"""
import os
import re

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))


def read(*parts):
    """Return the text of a file relative to this directory."""
    with open(os.path.join(HERE, *parts), encoding='utf-8') as handle:
        return handle.read()


def get_version():
    """Read ``__version__`` from the package without importing it (Django is not installed yet)."""
    match = re.search(r"^__version__ = ['\"]([^'\"]+)['\"]", read('offline_delivery_plugin', '__init__.py'), re.M)
    return match.group(1)


def load_requirements(path):
    """
    Return the abstract requirements of a ``requirements/*.in`` file.

    The pinned ``*.txt`` files are for this repository's own installs (``make``, CI, tox); the package itself
    declares ranges so an operator's edx-platform pins win.
    """
    requirements = []
    for line in read(path).splitlines():
        requirement = line.split('#', 1)[0].strip()
        if requirement and not requirement.startswith('-'):
            requirements.append(requirement)
    return requirements


setup(
    name='offline-delivery-plugin',
    version=get_version(),
    description='Offline encrypted delivery, invigilator Monitor and self-service proctoring workflows for Open edX',
    long_description=read('README.rst'),
    long_description_content_type='text/x-rst',
    license='AGPL 3.0',
    packages=find_packages(include=['offline_delivery_plugin', 'offline_delivery_plugin.*']),
    include_package_data=True,
    python_requires='>=3.11',
    install_requires=load_requirements('requirements/base.in'),
    zip_safe=False,
    entry_points={
        'lms.djangoapp': [
            'offline_delivery_plugin = offline_delivery_plugin.apps:OfflineDeliveryConfig',
        ],
        'cms.djangoapp': [
            'offline_delivery_plugin = offline_delivery_plugin.apps:OfflineDeliveryConfig',
        ],
        # The LMS's course tabs (openedx/core/lib/course_tabs.py: CourseTabPluginManager).
        'openedx.course_tab': [
            'offline_delivery = offline_delivery_plugin.compat.course_tab:OfflineDeliveryCourseTab',
        ],
        # edx-proctoring's backends (edx_proctoring/apps.py loads those named in PROCTORING_BACKENDS).
        'openedx.proctoring': [
            'onsite_invigilation = offline_delivery_plugin.onsite_backend:OnSiteInvigilationBackend',
        ],
    },
    classifiers=[
        'Framework :: Django',
        'Framework :: Django :: 5.2',
        'License :: OSI Approved :: GNU Affero General Public License v3 or later (AGPLv3+)',
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.12',
    ],
)
