"""
What this plugin adds to the learning MFE, through tutor-mfe's ``PLUGIN_SLOTS`` (plugin.py adds these items;
the widget itself, ``OfflineDeliveryExamFile``, is defined by the ``mfe-env-config-buildtime-*`` patches). Plain
Python without Tutor, so that the sandbox's MFE shell builds its env.config.jsx from the same text
(sandbox/mfe_shell/env_config.py).

The slot is frontend-app-learning's ``course_breadcrumbs`` (src/courseware/course/Course.jsx, release/verawood.1):
it is rendered above the sequence and outside frontend-lib-special-exams' ``SequenceExamWrapper``, so it stays when
the library replaces the sequence at the end of the time; its props are ``courseId``, ``sectionId``,
``sequenceId``, ``unitId`` and ``isStaff``. The default content (the breadcrumbs) is kept.
"""

EXAM_FILE_SLOT = 'org.openedx.frontend.learning.course_breadcrumbs.v1'

#: ``(MFE, slot, plugin configuration)``, as tutor-mfe's ``PLUGIN_SLOTS`` takes them.
PLUGIN_SLOTS = [
    ('learning', EXAM_FILE_SLOT, """{
      op: PLUGIN_OPERATIONS.Insert,
      widget: {
        id: 'offline_delivery_exam_file',
        type: DIRECT_PLUGIN,
        priority: 90,
        RenderWidget: OfflineDeliveryExamFile,
      },
    }"""),
]
