// frontend-plugin-framework imports the operator's env.config.jsx for its plugin slots (tutor-mfe writes one per
// MFE). The shell configures none yet.
const config = {};
export default config;
