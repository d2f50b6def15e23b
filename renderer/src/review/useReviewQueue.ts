import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewQueue } from '../../../main/api';
import { useArchiveChanged } from '../archive/useArchiveChanged';
import { useApi } from '../backend/context';
import { LOADING, type Remote } from '../backend/remote';

export const PAGE_SIZE = 50;

/**
 * The review queue of one meeting (or the whole archive when meetingId is null), re-read on reload(),
 * on every archive change (an edit elsewhere may flag or clear words) and when the scope changes. A
 * reply that arrives after a newer read was started is dropped; a re-read keeps the old list on screen.
 */
export function useReviewQueue(meetingId: number | null): {
  queue: Remote<ReviewQueue>;
  reload: () => void;
  showMore: () => void;
} {
  const api = useApi();
  const [queue, setQueue] = useState<Remote<ReviewQueue>>(LOADING);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);

  // Another scope starts from its first page, shown as loading rather than with the old scope's spans.
  const [scope, setScope] = useState(meetingId);
  if (scope !== meetingId) {
    setScope(meetingId);
    setLimit(PAGE_SIZE);
    setQueue(LOADING);
  }

  useEffect(() => {
    const call = ++latest.current;
    const params = meetingId === null ? { limit, offset: 0 } : { meetingId, limit, offset: 0 };
    void api.invoke('review.queue', params, { timeoutMs: 30_000 }).then((result) => {
      if (call !== latest.current) return;
      setQueue(result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error });
    });
  }, [api, meetingId, limit, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  useArchiveChanged(reload);
  const showMore = useCallback(() => setLimit((n) => Math.min(200, n + PAGE_SIZE)), []);
  return { queue, reload, showMore };
}
