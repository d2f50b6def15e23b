export type { EngineLoader, EnginePlanSummary, LoadedEngines, LoadEnginesOptions } from './types';
export { installedModelsLoader } from './installed';
export { planEngines, NO_ASR_NOTE, type EnginePlan, type Candidate } from './select';
