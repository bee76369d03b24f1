"""
The MFE shell's env.config.jsx is written from the Tutor plugin's MFE patches and slot items, the text tutor-mfe
puts into the learning MFE's env.config.jsx (sandbox/mfe_shell/env_config.py; ADR 0017).
"""
from pathlib import Path

from sandbox.mfe_shell import env_config

TUTOR_PLUGIN = Path(env_config.TUTOR_PLUGIN)


def test_it_holds_the_tutor_plugins_patches_and_its_slot_item_for_the_learning_mfe():
    text = env_config.render()
    for patch in ('mfe-env-config-buildtime-imports', 'mfe-env-config-buildtime-definitions'):
        assert (TUTOR_PLUGIN / 'patches' / patch).read_text(encoding='utf-8') in text
    assert "if (process.env.APP_ID == 'learning') {" in text
    assert "addPlugins(config, 'org.openedx.frontend.learning.course_breadcrumbs.v1', [{" in text
    assert 'RenderWidget: OfflineDeliveryExamFile' in text
    assert 'function OfflineDeliveryExamFile({ courseId, sequenceId })' in text
    assert text.rstrip().endswith('export default setConfig;')


def test_the_widget_frames_the_plugins_exam_file_page_as_the_candidate_page_names_it():
    """The unit page keeps the exam-file page under the URL the widget builds: the same path and query."""
    definitions = (TUTOR_PLUGIN / 'patches' / 'mfe-env-config-buildtime-definitions').read_text(encoding='utf-8')
    assert '/offline-delivery/exam-file/?course_id=${encodeURIComponent(courseId)}' in definitions
    assert '&content_id=${encodeURIComponent(sequenceId)}' in definitions
    offline_copy = (Path(__file__).resolve().parents[2] / 'offline_delivery_plugin' / 'static' /
                    'offline_delivery_plugin' / 'js' / 'candidate' / 'offline-copy.js').read_text(encoding='utf-8')
    assert "'?course_id=' + encodeURIComponent(session.course_id) +" in offline_copy
    assert "'&content_id=' + encodeURIComponent(session.content_id)" in offline_copy
