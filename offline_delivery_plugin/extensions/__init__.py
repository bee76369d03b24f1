"""
openedx-filters pipeline steps of the plugin: how it adds itself to pages the LMS renders.
"""
