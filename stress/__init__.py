"""
``make stress``'s load run: simulated candidates saving against a real app server on MariaDB while the database
connection is cut and the app server is restarted (``python -m stress.load``).
"""
