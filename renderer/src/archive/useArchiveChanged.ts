import { useEffect, useRef } from 'react';
import type { PayloadOf } from '../../../main/api';
import { useApi } from '../backend/context';

export type ArchiveChange = PayloadOf<'archive.changed'>;

/**
 * Calls `listener` for every 'archive.changed' event, and after the backend reconnects (a restarted
 * backend may have recovered or lost changes). The latest listener is used without re-subscribing.
 */
export function useArchiveChanged(listener: (change: ArchiveChange | null) => void): void {
  const api = useApi();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const offChanged = api.on('archive.changed', (change) => latest.current(change));
    const offConnection = api.on('backend.connection', ({ state }) => {
      if (state !== 'disconnected') latest.current(null);
    });
    return () => {
      offChanged();
      offConnection();
    };
  }, [api]);
}
