import { useCallback, useEffect, useState } from 'react';
import type { MeetingDetail } from '../../../main/api';
import { useApi } from '../backend/context';
import { LOADING, type Remote } from '../backend/remote';
import { useArchiveChanged } from './useArchiveChanged';

/**
 * One meeting as the backend has it, re-read whenever the archive says it changed (an edit here, in
 * another window, or an import). `deleted` turns true when it was deleted elsewhere. `update` applies
 * a reply locally so an edit shows at once, before the change event's re-read arrives.
 */
export function useMeetingDetail(meetingId: number) {
  const api = useApi();
  const [detail, setDetail] = useState<Remote<MeetingDetail>>(LOADING);
  const [generation, setGeneration] = useState(0);
  const [deleted, setDeleted] = useState(false);

  useEffect(() => {
    let current = true;
    void api.invoke('meetings.get', { meetingId }, { timeoutMs: 30_000 }).then((result) => {
      if (!current) return;
      setDetail(result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [api, meetingId, generation]);

  useArchiveChanged((change) => {
    if (change && !change.meetingIds.includes(meetingId)) return;
    if (change?.reason === 'deleted') setDeleted(true);
    else setGeneration((n) => n + 1);
  });

  const update = useCallback((apply: (detail: MeetingDetail) => MeetingDetail) => {
    setDetail((current) => (current.state === 'ok' ? { state: 'ok', value: apply(current.value) } : current));
  }, []);

  return { detail, deleted, update };
}
