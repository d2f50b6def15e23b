import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { AppInfo, Health, PayloadOf } from '../../../main/api';
import { useApi } from './context';
import type { Remote } from './remote';
import { useBackendQuery } from './useBackendQuery';

export type ConnectionEvent = PayloadOf<'backend.connection'>;

export interface BackendStatus {
  info: Remote<AppInfo>;
  health: Remote<Health>;
  /** The last 'backend.connection' event, or null while none has arrived (the link is assumed up). */
  connection: ConnectionEvent | null;
  refreshHealth(): void;
}

/** How often the status bar re-reads backend.health; cheap (no disk access) and keeps uptime honest. */
export const HEALTH_POLL_MS = 15_000;

const StatusContext = createContext<BackendStatus | null>(null);

/**
 * App info, backend health and connection state, read once for the whole window so the status bar and
 * the Settings page show the same values and the backend is not polled twice.
 */
export function BackendStatusProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const info = useBackendQuery('app.info');
  const health = useBackendQuery('backend.health', { timeoutMs: 5_000 });
  const [connection, setConnection] = useState<ConnectionEvent | null>(null);
  const { reload: reloadInfo } = info;
  const { reload: reloadHealth } = health;

  useEffect(() => {
    const timer = setInterval(reloadHealth, HEALTH_POLL_MS);
    return () => clearInterval(timer);
  }, [reloadHealth]);

  useEffect(
    () =>
      api.on('backend.connection', (event) => {
        setConnection(event);
        // A restarted backend is a new process: new pid, uptime, maybe new problems.
        reloadHealth();
        if (event.state !== 'disconnected') reloadInfo();
      }),
    [api, reloadHealth, reloadInfo],
  );

  const value: BackendStatus = {
    info: info.data,
    health: health.data,
    connection,
    refreshHealth: reloadHealth,
  };
  return <StatusContext.Provider value={value}>{children}</StatusContext.Provider>;
}

export function useBackendStatus(): BackendStatus {
  const status = useContext(StatusContext);
  if (!status) throw new Error('useBackendStatus() needs a <BackendStatusProvider> above it');
  return status;
}
