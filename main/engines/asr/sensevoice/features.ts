import type { Features } from '../../../dsp';
import { applyCmvn, applyLfr, computeFbank, FBANK_PRESETS } from '../../../dsp';
import type { SenseVoiceMetadata } from './metadata';

/**
 * SenseVoice front-end, MODELS.md §4.4 in order: PCM scaling (× 32768 when normalize_samples is 0, §0.4)
 * -> Kaldi fbank, SenseVoice column of §1.1 (80 bins, hamming, snip_edges true, 20–8000 Hz)
 * -> LFR m/n from metadata (FunASR form: left pad (m−1)/2 copies of frame 0, ceil(T/n) frames)
 * -> CMVN (x + neg_mean) · inv_stddev.  Output: [T_lfr, m·80] row-major, the payload of `x` [1, T, 560].
 */
export function senseVoiceFeatures(
  samples: Float32Array,
  meta: Pick<SenseVoiceMetadata, 'lfrWindowSize' | 'lfrWindowShift' | 'normalizeSamples' | 'cmvn'>,
): Features {
  const fbank = computeFbank(samples, {
    ...FBANK_PRESETS.senseVoice,
    sampleScale: meta.normalizeSamples ? 1 : 32768,
  });
  if (fbank.numFrames === 0)
    return { data: new Float32Array(0), numFrames: 0, numBins: meta.lfrWindowSize * 80 };
  const lfr = applyLfr(fbank, meta.lfrWindowSize, meta.lfrWindowShift);
  applyCmvn(lfr, meta.cmvn);
  return lfr;
}
