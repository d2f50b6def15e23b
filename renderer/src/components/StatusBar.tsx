import { useBackendStatus } from '../backend/status';
import { formatDuration } from '../format';

/**
 * Version and backend state, always visible. Not a live region: it refreshes every few seconds and
 * announcing that would drown out everything else; the connection banner is the one that speaks up.
 * Its test ids differ from the Settings page's (app-version, backend-status) so each id is unique.
 */
export function StatusBar() {
  const { info, health } = useBackendStatus();
  return (
    <footer className="statusbar">
      <span data-testid="status-version">
        {info.state === 'ok'
          ? `Verbatim ${info.value.version}`
          : info.state === 'loading'
            ? 'Verbatim'
            : 'Verbatim (version unknown)'}
      </span>
      <span className="statusbar-backend" data-testid="status-backend">
        {health.state === 'loading' && (
          <>
            <span className="dot dot-unknown" aria-hidden="true" /> Backend: checking…
          </>
        )}
        {health.state === 'error' && (
          <>
            <span className="dot dot-bad" aria-hidden="true" /> Backend: unavailable ({health.error.code})
          </>
        )}
        {health.state === 'ok' && (
          <>
            <span
              className={`dot ${health.value.status === 'ok' ? 'dot-ok' : 'dot-warn'}`}
              aria-hidden="true"
            />{' '}
            Backend: {health.value.status}
            {health.value.problems.length > 0 &&
              ` (${health.value.problems.length} problem${health.value.problems.length === 1 ? '' : 's'})`}
            {` · up ${formatDuration(health.value.uptimeMs)}`}
          </>
        )}
      </span>
    </footer>
  );
}
