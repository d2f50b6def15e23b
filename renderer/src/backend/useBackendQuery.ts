import { useCallback, useEffect, useState } from 'react';
import type { MethodName, ParamsOf, ResultOf } from '../../../main/api';
import { useApi } from './context';
import { LOADING, type Remote } from './remote';

/** Methods that can be called with `{}` (reads such as app.info or settings.get). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "accepts an empty object" is exactly the test
export type ParamlessMethod = { [M in MethodName]: {} extends ParamsOf<M> ? M : never }[MethodName];

export interface QueryOptions {
  /** Give up after this long so a dead backend shows as an error instead of "loading" forever. */
  timeoutMs?: number;
}

/**
 * Calls a read method once on mount and again on reload(). A reload keeps the previous value on screen
 * until the new reply arrives (no flicker back to "loading"); a reply that arrives after a newer call was
 * started, or after unmount, is dropped so it cannot overwrite fresher data.
 */
export function useBackendQuery<M extends ParamlessMethod>(
  method: M,
  { timeoutMs = 10_000 }: QueryOptions = {},
): { data: Remote<ResultOf<M>>; reload: () => void } {
  const api = useApi();
  const [data, setData] = useState<Remote<ResultOf<M>>>(LOADING);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    void api.invoke(method, {} as ParamsOf<M>, { timeoutMs }).then((result) => {
      if (!current) return;
      setData(result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [api, method, timeoutMs, generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { data, reload };
}
