import type { Cmvn } from '../../../dsp';
import type { OnnxModelInfo } from '../../../models/onnx-metadata';
import { metaFloats, metaInt, OnnxMetadataError } from '../../../models/onnx-metadata';

/**
 * SenseVoice `metadata_props` (MODELS.md §4.3). Everything the front-end and the decoder need is read
 * from the file; nothing model-specific is hard-coded, so a re-export with other ids still works.
 */
export interface SenseVoiceMetadata {
  lfrWindowSize: number;
  lfrWindowShift: number;
  /** true: PCM stays in [−1, 1]; false ("0", the 2024-07-17 export): PCM × 32768 (§0.4). */
  normalizeSamples: boolean;
  cmvn: Cmvn;
  vocabSize: number;
  blankId: number;
  /** Language code -> the `language` input value: { auto: 0, zh: 3, en: 4, … } from the `lang_*` keys. */
  languageIds: Readonly<Record<string, number>>;
  withItn: number;
  withoutItn: number;
  /** `version` "1" = QInt8 weights, which sherpa's export script says give wrong results (§4.3). */
  version: number | null;
}

type Info = Pick<OnnxModelInfo, 'file' | 'metadata'>;

export function parseSenseVoiceMetadata(info: Info): SenseVoiceMetadata {
  const lfrWindowSize = metaInt(info, 'lfr_window_size');
  const lfrWindowShift = metaInt(info, 'lfr_window_shift');
  if (lfrWindowSize < 1 || lfrWindowShift < 1) {
    throw new OnnxMetadataError(info.file, `LFR window ${lfrWindowSize}/${lfrWindowShift} is not positive`);
  }
  const normalizeSamples = metaInt(info, 'normalize_samples') !== 0;
  const negMean = metaFloats(info, 'neg_mean');
  const invStddev = metaFloats(info, 'inv_stddev');
  // §4.4: CMVN runs on LFR frames, so both vectors have m × 80 = 560 values.
  const featureDim = lfrWindowSize * 80;
  if (negMean.length !== featureDim || invStddev.length !== featureDim) {
    throw new OnnxMetadataError(
      info.file,
      `neg_mean/inv_stddev have ${negMean.length}/${invStddev.length} values, expected ${featureDim} ` +
        `(lfr_window_size ${lfrWindowSize} × 80 mel bins)`,
    );
  }
  const languageIds: Record<string, number> = {};
  for (const key of Object.keys(info.metadata)) {
    const m = /^lang_(.+)$/.exec(key);
    if (m) languageIds[m[1]!] = metaInt(info, key);
  }
  if (languageIds['auto'] === undefined) {
    throw new OnnxMetadataError(info.file, "metadata key 'lang_auto' is missing (not a SenseVoice export?)");
  }
  const version = info.metadata['version'] === undefined ? null : metaInt(info, 'version');
  return {
    lfrWindowSize,
    lfrWindowShift,
    normalizeSamples,
    cmvn: { negMean, invStddev },
    vocabSize: metaInt(info, 'vocab_size'),
    blankId: info.metadata['blank_id'] === undefined ? 0 : metaInt(info, 'blank_id'),
    languageIds,
    withItn: metaInt(info, 'with_itn'),
    withoutItn: metaInt(info, 'without_itn'),
    version,
  };
}
