import { useCallback, useEffect, useState } from 'react';
import type { ApiError, MethodName, ParamsOf, ResultOf } from '../../../main/api';
import { useArchiveChanged } from '../archive/useArchiveChanged';
import { useApi } from '../backend/context';
import { LOADING, type Remote } from '../backend/remote';

/**
 * Reads of the voices contract, kept current: voiceprints re-read on 'voiceprints.changed' (and on
 * settings changes, since the opt-in is part of the answer); a meeting's suggestions and emotions re-read
 * when the archive says that meeting changed.
 */
function useRemote<M extends MethodName>(
  method: M,
  params: ParamsOf<M>,
  key: string,
): { data: Remote<ResultOf<M>>; reload: () => void } {
  const api = useApi();
  const [data, setData] = useState<Remote<ResultOf<M>>>(LOADING);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    void api.invoke(method, params, { timeoutMs: 15_000 }).then((result) => {
      if (current)
        setData(result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
    // `key` stands for params (a fresh object every render).
  }, [api, method, key, generation]); // eslint-disable-line react-hooks/exhaustive-deps
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, reload };
}

export function useVoiceprints() {
  const api = useApi();
  const query = useRemote('voiceprints.list', {}, '');
  const { reload } = query;
  useEffect(() => {
    const off = [
      api.on('voiceprints.changed', reload),
      api.on('settings.changed', reload),
      api.on('backend.connection', ({ state }) => state !== 'disconnected' && reload()),
    ];
    return () => off.forEach((f) => f());
  }, [api, reload]);
  return query;
}

function useMeetingRemote<M extends 'speakers.suggestions' | 'meetings.emotions'>(
  method: M,
  meetingId: number,
) {
  const api = useApi();
  const query = useRemote(method, { meetingId } as ParamsOf<M>, String(meetingId));
  const { reload } = query;
  useArchiveChanged((change) => {
    if (!change || change.meetingIds.includes(meetingId)) reload();
  });
  useEffect(() => api.on('settings.changed', reload), [api, reload]);
  useEffect(() => api.on('voiceprints.changed', reload), [api, reload]);
  return query;
}

export const useSuggestions = (meetingId: number) => useMeetingRemote('speakers.suggestions', meetingId);
export const useEmotions = (meetingId: number) => useMeetingRemote('meetings.emotions', meetingId);

/** Runs one voices call; resolves to the error (shown by the caller) or null. */
export function useVoiceAction() {
  const api = useApi();
  return useCallback(
    async <M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ApiError | null> => {
      const result = await api.invoke(method, params, { timeoutMs: 15_000 });
      return result.ok ? null : result.error;
    },
    [api],
  );
}
