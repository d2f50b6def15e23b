import { useState } from 'react';
import { useBackendStatus, type ConnectionEvent } from '../backend/status';

/**
 * Tells the user when the link to the backend dropped or the backend was restarted, because either
 * one means a save may not have happened. Hidden while the link is up.
 */
export function ConnectionBanner() {
  const { connection } = useBackendStatus();
  const [dismissed, setDismissed] = useState<ConnectionEvent | null>(null);
  if (!connection || connection.state === 'connected' || connection === dismissed) return null;

  if (connection.state === 'disconnected') {
    return (
      <div className="banner banner-error" role="alert">
        <strong>Disconnected from the Verbatim backend.</strong> Changes cannot be saved until it is back.
      </div>
    );
  }
  return (
    <div className="banner banner-warning" role="alert">
      <span>
        <strong>The Verbatim backend restarted</strong>
        {connection.restarts > 1 ? ` (${connection.restarts} restarts so far)` : ''}. Settings were read
        again; check that your last change was kept.
      </span>
      <button type="button" className="button-quiet" onClick={() => setDismissed(connection)}>
        Dismiss
      </button>
    </div>
  );
}
