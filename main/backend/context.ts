import type { EventName, PayloadOf, Settings, SettingsPatch } from '../api';
import type { ModelsContext } from '../models/commands';
import type { Store } from '../store';
import type { EngineLoader } from './engines/types';

/**
 * What every handler module of the backend gets: the archive, the settings, the data folder, the model
 * manager and the engine loader, and a way to emit events. One object so a new feature does not grow
 * createBackend's signature; tests build it with fakes.
 */
export interface BackendContext {
  store: Store;
  dataDir: string;
  settings: {
    get(): Settings;
    /**
     * Writes a partial update through the settings store (serialised, validated) and returns the result.
     * The caller emits 'settings.changed'. Optional so test contexts that only read settings stay small.
     */
    update?(patch: SettingsPatch): Promise<Settings>;
  };
  models: ModelsContext;
  /** Builds a meeting's engines from the installed models (main/backend/engines); injected in tests. */
  loadEngines: EngineLoader;
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  log(message: string, detail?: unknown): void;
}
