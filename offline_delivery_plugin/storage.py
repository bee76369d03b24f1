"""
Where the plugin keeps its files: the accepted delivery files, bulk-upload batches and results reports.

A site gives them a storage of their own (a private bucket, say, while course images stay public) by defining the
alias ``offline_delivery`` in Django's ``STORAGES``; without it they go to the default storage.
"""
from django.core.files.storage import InvalidStorageError, default_storage, storages

#: The ``STORAGES`` alias the plugin uses when the site defines it.
STORAGE_ALIAS = 'offline_delivery'


def plugin_storage():
    """The ``offline_delivery`` storage when ``STORAGES`` has it, else Django's default storage."""
    try:
        return storages[STORAGE_ALIAS]
    except InvalidStorageError:
        return default_storage
