"""
Who may do what (``rules``): the hall roles' permissions follow the course team's settings.
"""


def test_hall_roles_follow_the_courses_settings(demo):
    """Course staff always may; who else may upload and reopen is the course team's choice."""
    # pylint: disable=import-outside-toplevel
    import rules as rules_lib

    from offline_delivery_plugin import rules

    def may(user, permission):
        return rules_lib.has_perm(permission, user, demo.course_key)

    assert may(demo.invigilator, rules.UPLOAD_DELIVERY) and may(demo.chief_invigilator, rules.UPLOAD_DELIVERY)
    assert may(demo.chief_invigilator, rules.REOPEN_ATTEMPT) and not may(demo.invigilator, rules.REOPEN_ATTEMPT)

    settings = dict(demo.course.other_course_settings['offline_delivery'])
    demo.course.other_course_settings['offline_delivery'] = {
        **settings, 'upload_roles': ['chief_invigilator'], 'reopen_roles': ['invigilator', 'chief_invigilator']}
    demo.course.save()
    assert not may(demo.invigilator, rules.UPLOAD_DELIVERY) and may(demo.chief_invigilator, rules.UPLOAD_DELIVERY)
    assert may(demo.invigilator, rules.REOPEN_ATTEMPT)

    demo.course.other_course_settings['offline_delivery'] = {**settings, 'upload_roles': [], 'reopen_roles': []}
    demo.course.save()
    assert not may(demo.chief_invigilator, rules.UPLOAD_DELIVERY) and not may(demo.chief_invigilator,
                                                                              rules.REOPEN_ATTEMPT)
    assert may(demo.course_staff, rules.UPLOAD_DELIVERY) and may(demo.course_staff, rules.REOPEN_ATTEMPT)
    assert not may(demo.verified_learner, rules.UPLOAD_DELIVERY)
