"""
Tutor plugin of offline_delivery_plugin. Its version is the version of offline_delivery_plugin it installs.
"""

__version__ = '0.1.0'
