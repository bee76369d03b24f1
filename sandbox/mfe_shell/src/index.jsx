/*
 * The sandbox's learning MFE shell: what frontend-app-learning does around an exam subsection, with the real
 * @edx/frontend-lib-special-exams. Served from its own origin (another port), as the MFE is under Tutor
 * (apps.<LMS host>). It reads the sequence from the LMS's courseware API, shows one unit at a time in an iframe of
 * the LMS's /xblock/<usage_id> (render_xblock) and wraps the sequence in the library's SequenceExamWrapper, which
 * shows its instructions instead of the sequence until the exam is started and after it ends. Each part names the
 * frontend-app-learning file it stands in for (read at openedx/frontend-app-learning release/verawood.1, 038c8f37);
 * docs/sandbox.rst lists what is left out.
 */
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Provider } from 'react-redux';
import { configureStore } from '@reduxjs/toolkit';
import { getConfig, mergeConfig } from '@edx/frontend-platform';
import {
  configure as configureLogging, getLoggingService, NewRelicLoggingService,
} from '@edx/frontend-platform/logging';
import { configure as configureAuth, fetchAuthenticatedUser, getAuthenticatedHttpClient } from '@edx/frontend-platform/auth';
import { configure as configureI18n, IntlProvider } from '@edx/frontend-platform/i18n';
import { AppContext } from '@edx/frontend-platform/react';
import { PluginSlot } from '@openedx/frontend-plugin-framework';
import SequenceExamWrapper, { reducer as specialExamsReducer } from '@edx/frontend-lib-special-exams';
import setEnvConfig from 'env.config';
import ShellAuthService from './ShellAuthService';

// src/courseware/course/sequence/Unit/ContentIFrame.jsx: the unit iframe's permissions.
const IFRAME_FEATURE_POLICY = 'microphone *; camera *; midi *; geolocation *; encrypted-media *; clipboard-write *; autoplay *';

/** /course/<course id>/<sequence id>[/<unit id>], the learning MFE's courseware route (src/index.jsx). */
function parseRoute(pathname) {
  const [, course, courseId, sequenceId, unitId] = pathname.split('/').map(decodeURIComponent);
  return course === 'course' && courseId && sequenceId ? { courseId, sequenceId, unitId } : null;
}

/** src/courseware/course/sequence/Unit: one unit, in an iframe of the LMS's render_xblock, sized by its page. */
const UnitFrame = ({ unit }) => {
  const [height, setHeight] = useState(600);
  useEffect(() => {
    // The LMS's unit page posts its height ({type: 'plugin.resize', payload: {height}}), as the MFE expects.
    const onMessage = (event) => {
      if (event.origin === new URL(getConfig().LMS_BASE_URL).origin && event.data?.type === 'plugin.resize') {
        setHeight(Math.max(200, Number(event.data.payload?.height) || 0));
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, []);
  // src/courseware/course/sequence/Unit/urls.ts (openedx/frontend-app-learning @ 1484bc50): iframeParams
  // {show_title: 0, show_bookmark: 0, recheck_access: 1}, the view and preview, in the order its test shows them.
  const src = `${getConfig().LMS_BASE_URL}/xblock/${unit.id}?preview=false&recheck_access=1&show_bookmark=0`
    + '&show_title=0&view=student_view';
  return (
    <iframe
      id="unit-iframe" title={unit.page_title} src={src} allow={IFRAME_FEATURE_POLICY} allowFullScreen
      referrerPolicy="origin" style={{ width: '100%', height: `${height}px`, border: 0 }}
    />
  );
};

/** src/courseware/course/sequence/sequence-navigation: Previous, a button per unit, Next. */
const SequenceNavigation = ({ units, current, onSelect }) => {
  const index = units.findIndex((unit) => unit.id === current.id);
  return (
    <nav className="sequence-navigation" aria-label="Units of this subsection">
      <button type="button" disabled={index === 0} onClick={() => onSelect(units[index - 1])}>Previous</button>
      {units.map((unit, position) => (
        <button
          type="button" key={unit.id} aria-current={unit.id === current.id ? 'page' : undefined}
          title={unit.page_title} onClick={() => onSelect(unit)}
        >{position + 1}
        </button>
      ))}
      <button type="button" disabled={index === units.length - 1} onClick={() => onSelect(units[index + 1])}>Next</button>
    </nav>
  );
};

/** src/courseware/course/sequence/Sequence.jsx: the sequence, wrapped by the library. */
const Sequence = ({ route }) => {
  const [sequence, setSequence] = useState(null);
  const [unitId, setUnitId] = useState(route.unitId);
  useEffect(() => {
    getAuthenticatedHttpClient()
      .get(`${getConfig().LMS_BASE_URL}/api/courseware/sequence/${encodeURIComponent(route.sequenceId)}`)
      .then(({ data }) => setSequence(data))
      .catch(() => setSequence({ error: true }));
  }, [route.sequenceId]);
  if (sequence === null) { return <p>Loading…</p>; }
  if (sequence.error) { return <p role="alert">This subsection cannot be shown.</p>; }
  const units = sequence.items;
  const current = units.find((unit) => unit.id === unitId) || units[0];
  const select = (unit) => {
    window.history.pushState(null, '', `/course/${route.courseId}/${route.sequenceId}/${unit.id}`);
    setUnitId(unit.id);
  };
  return (
    <main className="sequence-container">
      {/* src/courseware/course/Course.jsx: the breadcrumbs' slot, above the sequence and outside the library's
          wrapper, with the props frontend-app-learning gives it. */}
      <PluginSlot
        id="org.openedx.frontend.learning.course_breadcrumbs.v1"
        idAliases={['course_breadcrumbs_slot']}
        pluginProps={{
          courseId: route.courseId, sectionId: null, sequenceId: route.sequenceId, unitId: current.id, isStaff: false,
        }}
      >
        <nav className="breadcrumbs" aria-label="breadcrumb">{sequence.display_name}</nav>
      </PluginSlot>
      <h1>{sequence.display_name}</h1>
      <SequenceExamWrapper
        sequence={{
          id: route.sequenceId,
          isTimeLimited: sequence.is_time_limited,
          allowProctoringOptOut: sequence.allow_proctoring_opt_out,
        }}
        courseId={route.courseId}
        isStaff={false}
        originalUserIsStaff={false}
        canAccessProctoredExams
      >
        <div className="sequence">
          <SequenceNavigation units={units} current={current} onSelect={select} />
          <UnitFrame unit={current} key={current.id} />
        </div>
      </SequenceExamWrapper>
    </main>
  );
};

async function start() {
  mergeConfig(window.SHELL_CONFIG);
  // frontend-platform's initialize() merges the operator's env.config.jsx (tutor-mfe's, with the plugins' slots).
  mergeConfig(await setEnvConfig());
  configureLogging(NewRelicLoggingService, { config: getConfig() });
  configureAuth(ShellAuthService, { config: getConfig(), loggingService: getLoggingService() });
  configureI18n({ messages: {}, config: getConfig(), loggingService: getLoggingService() });
  const route = parseRoute(window.location.pathname);
  const authenticatedUser = await fetchAuthenticatedUser();
  const root = createRoot(document.getElementById('root'));
  if (authenticatedUser === null) {
    root.render(<p role="alert">Sign in on the LMS first: <a href={getConfig().LOGIN_URL}>sign in</a>.</p>);
    return;
  }
  const store = configureStore({ reducer: { specialExams: specialExamsReducer } });
  root.render(
    <AppContext.Provider value={{ authenticatedUser, config: getConfig() }}>
      <IntlProvider locale="en">
        <Provider store={store}>
          {route ? <Sequence route={route} /> : <p role="alert">No such page.</p>}
        </Provider>
      </IntlProvider>
    </AppContext.Provider>,
  );
}

start();
