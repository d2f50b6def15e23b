import type { MouseEvent } from 'react';
import type { VerbatimApi } from '../../main/api';
import { useAppearance } from './appearance';
import { ApiProvider } from './backend/context';
import { SettingsProvider } from './backend/settings';
import { BackendStatusProvider } from './backend/status';
import { ConnectionBanner } from './components/ConnectionBanner';
import { Nav } from './components/Nav';
import { StatusBar } from './components/StatusBar';
import { ArchivePage } from './pages/ArchivePage';
import { CaptionsPage } from './pages/CaptionsPage';
import { LivePage } from './pages/LivePage';
import { MeetingPage } from './pages/MeetingPage';
import { ReviewPage } from './pages/ReviewPage';
import { SettingsPage } from './pages/SettingsPage';
import { isCaptionsLocation, useHashRoute, type MeetingLocation, type Route } from './routes';

/** The window's root. `api` is window.verbatim (see main.tsx); undefined when the preload did not run. */
export function App({ api }: { api: VerbatimApi | undefined }) {
  if (!api) return <MissingBridge />;
  return (
    <ApiProvider api={api}>
      <SettingsProvider>
        <BackendStatusProvider>
          {isCaptionsLocation(window.location.hash) ? <CaptionsPage /> : <Shell />}
        </BackendStatusProvider>
      </SettingsProvider>
    </ApiProvider>
  );
}

function Shell() {
  useAppearance();
  // Focus moves to the new page's heading only after the user navigates, not on start-up.
  const { route, meeting, navigated } = useHashRoute();

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        Skip to content
      </a>
      <aside className="sidebar">
        <p className="brand">Verbatim</p>
        <Nav current={route} />
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <ConnectionBanner />
        <div
          className={meeting ? 'page page-wide' : 'page'}
          key={meeting ? `meeting-${meeting.meetingId}` : route}
        >
          {meeting ? (
            <MeetingView location={meeting} focusOnMount={navigated} />
          ) : (
            <CurrentPage route={route} focusOnMount={navigated} />
          )}
        </div>
      </main>
      <StatusBar />
    </div>
  );
}

function CurrentPage({ route, focusOnMount }: { route: Route; focusOnMount: boolean }) {
  switch (route) {
    case 'live':
      return <LivePage focusOnMount={focusOnMount} />;
    case 'archive':
      return <ArchivePage focusOnMount={focusOnMount} />;
    case 'review':
      return <ReviewPage focusOnMount={focusOnMount} />;
    case 'settings':
      return <SettingsPage focusOnMount={focusOnMount} />;
  }
}

/** A new ?t= for the open meeting jumps within it; only another meeting remounts the page. */
function MeetingView({ location, focusOnMount }: { location: MeetingLocation; focusOnMount: boolean }) {
  return <MeetingPage meetingId={location.meetingId} atMs={location.atMs} focusOnMount={focusOnMount} />;
}

/** The skip link must not change the hash: the hash is the route. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function MissingBridge() {
  return (
    <main className="missing-bridge">
      <h1>Verbatim cannot reach its backend</h1>
      <p>
        This window was opened without the Verbatim bridge (window.verbatim is missing), so nothing can be
        loaded or saved. Close it and start Verbatim again; if this keeps happening, reinstall the app.
      </p>
    </main>
  );
}
