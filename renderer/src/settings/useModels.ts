import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, PayloadOf } from '../../../main/api';
import { useApi } from '../backend/context';
import { useBackendQuery } from '../backend/useBackendQuery';

export type ModelProgress = PayloadOf<'models.progress'>;

export interface ModelAction {
  /** Model id (or pack name) the action is running for. */
  target: string;
  kind: 'fetch' | 'verify' | 'remove';
}

export interface ModelOutcome {
  target: string;
  ok: boolean;
  message: string;
}

/**
 * The model catalogue with live download progress. The list is re-read when the backend says models
 * changed; progress events update one row at a time; a fetch can be cancelled (the backend aborts the
 * download and keeps the partial file for resume).
 */
export function useModels() {
  const api = useApi();
  const { data: list, reload } = useBackendQuery('models.list', { timeoutMs: 60_000 });
  const [progress, setProgress] = useState<Record<string, ModelProgress>>({});
  const [running, setRunning] = useState<ModelAction | null>(null);
  const [outcome, setOutcome] = useState<ModelOutcome | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);

  useEffect(() => {
    const offProgress = api.on('models.progress', (p) => setProgress((all) => ({ ...all, [p.modelId]: p })));
    const offChanged = api.on('models.changed', () => reload());
    return () => {
      offProgress();
      offChanged();
    };
  }, [api, reload]);

  const finish = useCallback(
    (target: string, ok: boolean, message: string) => {
      cancelRef.current = null;
      setRunning(null);
      setOutcome({ target, ok, message });
      reload();
    },
    [reload],
  );
  const failed = (error: ApiError) => `${error.code}: ${error.message}`;

  const fetch = useCallback(
    (target: string) => {
      setOutcome(null);
      setRunning({ target, kind: 'fetch' });
      const call = api.request('models.fetch', { target });
      cancelRef.current = call.cancel;
      void call.result.then((result) => {
        setProgress((all) => {
          const next = { ...all };
          delete next[target];
          return next;
        });
        if (!result.ok) return finish(target, false, failed(result.error));
        const { ok, rows, message } = result.value;
        const problems = rows.filter((r) => r.outcome === 'failed' || r.outcome === 'cancelled');
        finish(
          target,
          ok,
          message ??
            (problems.length
              ? problems.map((r) => `${r.file}: ${r.detail}`).join(' ')
              : `${rows.filter((r) => r.outcome === 'downloaded').length} file(s) downloaded and verified.`),
        );
      });
    },
    [api, finish],
  );

  const verify = useCallback(
    (target: string) => {
      setOutcome(null);
      setRunning({ target, kind: 'verify' });
      void api.invoke('models.verify', { ids: [target] }, { timeoutMs: 600_000 }).then((result) => {
        if (!result.ok) return finish(target, false, failed(result.error));
        const bad = result.value.rows.filter((r) => r.status === 'corrupt' || r.status === 'missing');
        finish(
          target,
          bad.length === 0,
          bad.length
            ? bad.map((r) => `${r.file}: ${r.status} ${r.detail}`).join(' ')
            : 'All files check out.',
        );
      });
    },
    [api, finish],
  );

  const remove = useCallback(
    (target: string) => {
      setOutcome(null);
      setRunning({ target, kind: 'remove' });
      void api.invoke('models.remove', { id: target }).then((result) => {
        finish(target, result.ok, result.ok ? 'Removed the downloaded copy.' : failed(result.error));
      });
    },
    [api, finish],
  );

  const cancel = useCallback(() => cancelRef.current?.(), []);

  return { list, progress, running, outcome, fetch, verify, remove, cancel, reload };
}
