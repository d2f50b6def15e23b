import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, PendingCall, SearchHit, SearchParams, SearchResult } from '../../../main/api';
import { useApi } from '../backend/context';

/** Long enough to skip the keystrokes of a word typed quickly, short enough to feel instant. */
export const SEARCH_DEBOUNCE_MS = 150;
export const SEARCH_PAGE = 50;

export type SearchCriteria = Omit<SearchParams, 'limit' | 'offset'>;

export type SearchState =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | {
      kind: 'results';
      hits: SearchHit[];
      notes: SearchHit[];
      hasMore: boolean;
      ignored: string[];
      order: 'rank' | 'recent';
    }
  | { kind: 'invalid'; message: string }
  | { kind: 'error'; error: ApiError };

/**
 * Search as you type. Each change of `criteria` (null = no search) waits SEARCH_DEBOUNCE_MS, cancels
 * the request still in flight and sends a new one. Only the reply to the latest request is shown: a
 * slow reply to an older query can never overwrite a newer one, and while a new query runs the
 * previous results stay on screen (`busy`) instead of flickering away.
 */
export function useSearch(criteria: SearchCriteria | null, refresh: number) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const generation = useRef(0);
  const inFlight = useRef<PendingCall<SearchResult> | null>(null);
  const key = criteria ? JSON.stringify(criteria) : null;
  const [state, setState] = useState<SearchState>(() => ({ kind: key === null ? 'idle' : 'loading' }));
  // The criteria the current results belong to, for "Load more".
  const shown = useRef<{ criteria: SearchCriteria; generation: number } | null>(null);

  const send = useCallback(
    (params: SearchParams, onResult: (result: SearchResult) => void, onError: (error: ApiError) => void) => {
      inFlight.current?.cancel();
      const mine = ++generation.current;
      const call = api.request('search.query', params, { timeoutMs: 15_000 });
      inFlight.current = call;
      setBusy(true);
      void call.result.then((result) => {
        if (mine !== generation.current) return; // superseded: a newer request owns the screen
        inFlight.current = null;
        setBusy(false);
        if (result.ok) onResult(result.value);
        else onError(result.error);
      });
      return mine;
    },
    [api],
  );

  // Derived during render (not in an effect): clearing the box shows no results at once, and the
  // first query shows "Searching…" until its reply.
  const [lastKey, setLastKey] = useState(key);
  if (key !== lastKey) {
    setLastKey(key);
    if (key === null) setState({ kind: 'idle' });
    else if (state.kind === 'idle') setState({ kind: 'loading' });
  }

  useEffect(() => {
    if (key === null) {
      inFlight.current?.cancel();
      inFlight.current = null;
      generation.current++;
      shown.current = null;
      return;
    }
    const parsed = JSON.parse(key) as SearchCriteria;
    const timer = setTimeout(() => {
      const mine = send(
        { ...parsed, limit: SEARCH_PAGE, offset: 0 },
        (result) => {
          shown.current = { criteria: parsed, generation: mine };
          setState(
            result.ok
              ? {
                  kind: 'results',
                  hits: result.hits,
                  notes: result.notes,
                  hasMore: result.hasMore,
                  ignored: result.ignored,
                  order: result.order,
                }
              : { kind: 'invalid', message: result.message },
          );
        },
        (error) => setState({ kind: 'error', error }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, refresh, send]);

  useEffect(() => () => inFlight.current?.cancel(), []);

  const loadMore = useCallback(() => {
    const current = shown.current;
    if (!current || state.kind !== 'results' || !state.hasMore) return;
    const offset = state.hits.length;
    const mine = send(
      { ...current.criteria, limit: SEARCH_PAGE, offset, includeNotes: false },
      (result) => {
        shown.current = { criteria: current.criteria, generation: mine };
        setState((previous) =>
          previous.kind === 'results' && result.ok
            ? { ...previous, hits: [...previous.hits, ...result.hits], hasMore: result.hasMore }
            : previous,
        );
      },
      (error) => setState({ kind: 'error', error }),
    );
  }, [send, state]);

  return { state, busy: busy && key !== null, loadMore };
}
