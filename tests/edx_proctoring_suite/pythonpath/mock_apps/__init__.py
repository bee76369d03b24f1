"""
The user profile edx-proctoring's ``test_views`` imports as ``mock_apps.models.Profile``.

In an LMS ``request.user.profile`` is the platform's ``UserProfile``; edx-proctoring's repository tests against a
stand-in app of this name that its sdist does not ship. This is ours: the one model, with the one field its views
read (``profile.name``). ``run`` puts this directory on ``sys.path`` so the top-level name resolves.
"""
