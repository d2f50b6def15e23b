import { createContext, useContext, type ReactNode } from 'react';
import type { VerbatimApi } from '../../../main/api';

const ApiContext = createContext<VerbatimApi | null>(null);

/**
 * Hands window.verbatim to the tree. Components take it from context rather than from the global so a
 * test or a future captions window can render the same components against another connection.
 */
export function ApiProvider({ api, children }: { api: VerbatimApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): VerbatimApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi() needs an <ApiProvider> above it');
  return api;
}
