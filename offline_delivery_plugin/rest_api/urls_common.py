"""
URL pieces shared by the LMS and Studio URL configurations.
"""

#: The course id in a URL, as edx-platform's ``COURSE_ID_PATTERN`` (old ``org/course/run`` and ``course-v1:``).
COURSE_ID_PATTERN = r'(?P<course_id>[^/+]+(/|\+)[^/+]+(/|\+)[^/?]+)'

#: The exam subsection's usage id in a URL (``block-v1:...+type@sequential+block@...``).
CONTENT_ID_PATTERN = r'(?P<content_id>block-v1:[^/]+)'
