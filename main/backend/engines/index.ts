import type { ModelsContext } from '../../models/commands';
import type { EngineLoader } from './types';

export type { EngineLoader, LoadedEngines, LoadEnginesOptions } from './types';

/** The engine loader over the installed models. */
export function installedModelsLoader(_models: ModelsContext): EngineLoader {
  return async () => {
    throw new Error('installedModelsLoader: not implemented yet');
  };
}
