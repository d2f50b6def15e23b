import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { ApiError, Settings, SettingsPatch } from '../../../main/api';
import { useApi } from './context';
import { LOADING, type Remote } from './remote';

export type SettingKey = keyof Settings;

export interface SettingsState {
  settings: Remote<Settings>;
  /** Fields with a settings.set in flight. */
  saving: Partial<Record<SettingKey, true>>;
  /** The last failure per field; cleared when that field is saved successfully. */
  errors: Partial<Record<SettingKey, ApiError>>;
  /** Sends just this field; resolves true when the backend stored it. Never throws. */
  set<K extends SettingKey>(key: K, value: Settings[K]): Promise<boolean>;
  reload(): void;
}

const SettingsContext = createContext<SettingsState | null>(null);

/**
 * Settings as the backend has them. The UI never shows a guess: a control shows what the last message
 * from the backend said (the settings.get reply, a settings.set reply, or a 'settings.changed' event).
 * All three arrive over one ordered link and the backend serialises writes, so "last message wins" is
 * the backend's own order.
 */
export function SettingsProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [settings, setSettings] = useState<Remote<Settings>>(LOADING);
  const [saving, setSaving] = useState<SettingsState['saving']>({});
  const [errors, setErrors] = useState<SettingsState['errors']>({});
  const [generation, setGeneration] = useState(0);
  // Latest request number per field, so an older reply cannot clear a newer "saving" or error.
  const latestCall = useRef(new Map<SettingKey, number>());

  useEffect(() => {
    let current = true;
    void api.invoke('settings.get', {}, { timeoutMs: 10_000 }).then((result) => {
      if (current)
        setSettings(
          result.ok ? { state: 'ok', value: result.value } : { state: 'error', error: result.error },
        );
    });
    return () => {
      current = false;
    };
  }, [api, generation]);

  useEffect(() => api.on('settings.changed', (value) => setSettings({ state: 'ok', value })), [api]);

  useEffect(
    () =>
      api.on('backend.connection', ({ state }) => {
        // A restarted backend may have reloaded its file (or fallen back to defaults): read it again.
        if (state !== 'disconnected') setGeneration((n) => n + 1);
      }),
    [api],
  );

  const set = useCallback(
    async <K extends SettingKey>(key: K, value: Settings[K]): Promise<boolean> => {
      const call = (latestCall.current.get(key) ?? 0) + 1;
      latestCall.current.set(key, call);
      setSaving((s) => ({ ...s, [key]: true }));
      const patch = { [key]: value } as SettingsPatch;
      const result = await api.invoke('settings.set', patch, { timeoutMs: 10_000 });
      if (result.ok) setSettings({ state: 'ok', value: result.value });
      if (latestCall.current.get(key) === call) {
        setSaving((s) => without(s, key));
        setErrors((e) => (result.ok ? without(e, key) : { ...e, [key]: result.error }));
      }
      return result.ok;
    },
    [api],
  );

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const state: SettingsState = { settings, saving, errors, set, reload };
  return <SettingsContext.Provider value={state}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsState {
  const state = useContext(SettingsContext);
  if (!state) throw new Error('useSettings() needs a <SettingsProvider> above it');
  return state;
}

function without<T extends object>(record: T, key: PropertyKey): T {
  const copy = { ...record };
  delete (copy as Record<PropertyKey, unknown>)[key];
  return copy;
}
