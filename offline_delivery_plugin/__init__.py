"""
Offline encrypted delivery, an invigilator Monitor and self-service proctoring workflows for Open edX.
"""

__version__ = '0.1.0'
