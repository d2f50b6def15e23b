import type { OnnxModelInfo } from '../../../models/onnx-metadata';
import { metaInt, metaInts, metaString, OnnxMetadataError } from '../../../models/onnx-metadata';

/**
 * Whisper encoder `metadata_props` of the sherpa export (MODELS.md §5.3). Special-token ids are read,
 * never hard-coded: .en and multilingual tokenizers number them differently (§5.3 table, §11.5).
 */
export interface WhisperMetadata {
  modelType: string;
  nMels: number;
  nVocab: number;
  nTextCtx: number;
  nTextState: number;
  nTextLayer: number;
  isMultilingual: boolean;
  sotSequence: number[];
  sot: number;
  sotIndex: number;
  eot: number;
  blankId: number;
  noSpeech: number;
  noTimestamps: number;
  transcribe: number;
  translate: number;
  sotPrev: number;
  sotLm: number;
  nonSpeechTokens: number[];
  languageTokens: number[];
  languageCodes: string[];
}

type Info = Pick<OnnxModelInfo, 'file' | 'metadata'>;

export function parseWhisperMetadata(info: Info): WhisperMetadata {
  const nMels = metaInt(info, 'n_mels');
  if (nMels !== 80 && nMels !== 128) {
    throw new OnnxMetadataError(info.file, `n_mels is ${nMels}; Whisper uses 80 or 128`);
  }
  const languageTokens = metaInts(info, 'all_language_tokens');
  const languageCodes = metaString(info, 'all_language_codes')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (languageTokens.length !== languageCodes.length) {
    throw new OnnxMetadataError(
      info.file,
      `all_language_tokens has ${languageTokens.length} ids but all_language_codes has ${languageCodes.length} codes`,
    );
  }
  const meta: WhisperMetadata = {
    modelType: info.metadata['model_type'] ?? 'whisper',
    nMels,
    nVocab: metaInt(info, 'n_vocab'),
    nTextCtx: metaInt(info, 'n_text_ctx'),
    nTextState: metaInt(info, 'n_text_state'),
    nTextLayer: metaInt(info, 'n_text_layer'),
    isMultilingual: metaInt(info, 'is_multilingual') !== 0,
    sotSequence: metaInts(info, 'sot_sequence'),
    sot: metaInt(info, 'sot'),
    sotIndex: info.metadata['sot_index'] === undefined ? 0 : metaInt(info, 'sot_index'),
    eot: metaInt(info, 'eot'),
    blankId: metaInt(info, 'blank_id'),
    noSpeech: metaInt(info, 'no_speech'),
    noTimestamps: metaInt(info, 'no_timestamps'),
    transcribe: metaInt(info, 'transcribe'),
    translate: metaInt(info, 'translate'),
    sotPrev: metaInt(info, 'sot_prev'),
    sotLm: metaInt(info, 'sot_lm'),
    nonSpeechTokens:
      info.metadata['non_speech_tokens'] === undefined ? [] : metaInts(info, 'non_speech_tokens'),
    languageTokens,
    languageCodes,
  };
  if (meta.sotSequence.length === 0 || meta.sotSequence[meta.sotIndex] !== meta.sot) {
    throw new OnnxMetadataError(
      info.file,
      `sot_sequence '${meta.sotSequence.join(',')}' does not hold sot ${meta.sot}`,
    );
  }
  if (meta.nTextCtx < 8 || meta.nTextLayer < 1 || meta.nTextState < 1 || meta.eot >= meta.nVocab) {
    throw new OnnxMetadataError(info.file, 'implausible decoder dimensions in the metadata');
  }
  return meta;
}
