"""
The MFE shell's ``env.config.jsx``: what tutor-mfe renders for the learning MFE from the Tutor plugin's MFE patches
and ``PLUGIN_SLOTS`` items, written from the same files (``tutor-plugin/tutor_offline_delivery``: the patches
``mfe-env-config-buildtime-imports`` and ``mfe-env-config-buildtime-definitions``, and ``mfe.py``). The frame is
tutor-mfe 22.1.0's template (tutormfe/templates/mfe/build/mfe/env.config.jsx) for one app, ``learning``, with only
this plugin's patches; frontend-plugin-framework reads the ``pluginSlots`` it returns.

    python3 sandbox/mfe_shell/env_config.py var/mfe-shell/env.config.jsx
"""
import importlib.util
import sys
from pathlib import Path

TUTOR_PLUGIN = Path(__file__).resolve().parents[2] / 'tutor-plugin' / 'tutor_offline_delivery'

FRAME = """// Written by sandbox/mfe_shell/env_config.py from tutor-plugin/tutor_offline_delivery: do not edit.
{imports}
function addPlugins(config, slot_name, plugins) {{
  if (slot_name in config.pluginSlots === false) {{
    config.pluginSlots[slot_name] = {{
      keepDefault: true,
      plugins: []
    }};
  }}

  config.pluginSlots[slot_name].plugins.push(...plugins);
}}
{definitions}
async function setConfig () {{
  let config = {{
    pluginSlots: {{}}
  }};

  try {{
    const {{ DIRECT_PLUGIN, PLUGIN_OPERATIONS }} = await import('@openedx/frontend-plugin-framework');
    if (process.env.APP_ID == 'learning') {{
{slots}
    }}
  }} catch (err) {{ console.error("env.config.jsx failed to apply: ", err);}}

  return config;
}}

export default setConfig;
"""


def _slots():
    spec = importlib.util.spec_from_file_location('tutor_offline_delivery_mfe', TUTOR_PLUGIN / 'mfe.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(slot, config) for app, slot, config in module.PLUGIN_SLOTS if app == 'learning']


def render():
    """The env.config.jsx text."""
    def patch(name):
        return (TUTOR_PLUGIN / 'patches' / name).read_text(encoding='utf-8')

    return FRAME.format(
        imports=patch('mfe-env-config-buildtime-imports'),
        definitions=patch('mfe-env-config-buildtime-definitions'),
        slots='\n'.join(f"      addPlugins(config, '{slot}', [{config}]);" for slot, config in _slots()),
    )


if __name__ == '__main__':
    target = Path(sys.argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding='utf-8')
