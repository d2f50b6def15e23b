export * from './types';
export { MEETING_VAD_DEFAULTS, VadSegmenter, defaultNegThreshold } from './segmenter';
export { VadStream } from './stream';
export { SileroVad, type SileroVadOptions } from './silero';
export {
  SILERO_V5_BYTES,
  SILERO_V5_SHA256,
  VadModelError,
  type VadModelErrorCode,
  bundledSileroModelPath,
  readVerifiedModel,
} from './model-file';
