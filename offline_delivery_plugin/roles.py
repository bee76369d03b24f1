"""
The plugin's course roles.

In the LMS they are stored as course access roles (``student_courseaccessrole``), like the course staff and
instructor roles, and granted by course staff. They are checked through ``offline_delivery_plugin.compat``.
"""

#: Supervises candidates in the exam hall: sees the Monitor, uploads delivery files, types the invigilator password.
INVIGILATOR = 'offline_delivery_invigilator'

#: The site manager [platsansvarig]: what an invigilator does, plus opening attempts for resubmission.
CHIEF_INVIGILATOR = 'offline_delivery_chief_invigilator'

ALL_ROLES = (INVIGILATOR, CHIEF_INVIGILATOR)
