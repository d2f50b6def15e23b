/**
 * Options of the Kaldi-compatible fbank (kaldi-native-fbank `FbankOptions` / torchaudio
 * `compliance.kaldi.fbank`), the per-model presets of MODELS.md §1.1, and the frame geometry of §1.2.
 */
import type { WindowType } from './window';
import { WINDOW_TYPES } from './window';

export type MelScaleType = 'kaldi' | 'slaney';

export interface FbankOptions {
  sampleRate: number;
  numMelBins: number;
  frameLengthMs: number;
  frameShiftMs: number;
  windowType: WindowType;
  /** true: frames lie wholly inside the signal; false: centred frames with reflection at both ends. */
  snipEdges: boolean;
  /** Only 0 is supported: inference features must be deterministic. */
  dither: number;
  removeDcOffset: boolean;
  preemphCoeff: number;
  lowFreq: number;
  /** > 0: Hz; <= 0: offset from the Nyquist frequency (−400 → 7600 Hz at 16 kHz). */
  highFreq: number;
  /** 'kaldi' = HTK mel (knf default); 'slaney' = knf `is_librosa` (librosa/Slaney mel, Hz-domain triangles). */
  melScale: MelScaleType;
  /** Slaney area normalisation of each triangle (knf `norm = "slaney"`, its default). Only for melScale 'slaney'. */
  slaneyNorm: boolean;
  /** Input is float in [−1, 1]; each sample is multiplied by this first (32768 for the Kaldi int16 convention). */
  sampleScale: number;
  /** Zero-pad each frame to the next power of two before the FFT (Kaldi `round_to_power_of_two`). */
  roundToPowerOfTwo: boolean;
  blackmanCoeff: number;
}

/** knf defaults with dither 0 (knf's own default dither is 0.00003; we never dither). */
export const KALDI_DEFAULTS: Readonly<FbankOptions> = Object.freeze({
  sampleRate: 16000,
  numMelBins: 80,
  frameLengthMs: 25,
  frameShiftMs: 10,
  windowType: 'povey',
  snipEdges: true,
  dither: 0,
  removeDcOffset: true,
  preemphCoeff: 0.97,
  lowFreq: 20,
  highFreq: 0,
  melScale: 'kaldi',
  slaneyNorm: true,
  sampleScale: 1,
  roundToPowerOfTwo: true,
  blackmanCoeff: 0.42,
});

/** MODELS.md §1.1 columns, with the sample scale of §0.4. */
export const FBANK_PRESETS = Object.freeze({
  /** Streaming Zipformer transducer (sherpa defaults, normalize_samples = true). */
  zipformer: Object.freeze({ ...KALDI_DEFAULTS, snipEdges: false, highFreq: -400 }),
  /** SenseVoice (sherpa InitFeatConfig; metadata normalize_samples = "0" → ×32768). Follow with LFR + CMVN. */
  senseVoice: Object.freeze({
    ...KALDI_DEFAULTS,
    windowType: 'hamming',
    snipEdges: true,
    highFreq: 0,
    sampleScale: 32768,
  }),
  /** 3D-Speaker CAM++/ERes2Net as sherpa runs them (normalize_samples = "1"). Follow with utterance CMN. */
  speaker3d: Object.freeze({ ...KALDI_DEFAULTS, snipEdges: false, highFreq: -400 }),
  /** WeSpeaker ResNet as sherpa runs them (normalize_samples = "0" → ×32768). */
  wespeaker: Object.freeze({ ...KALDI_DEFAULTS, snipEdges: false, highFreq: -400, sampleScale: 32768 }),
  /** Parakeet TDT (sherpa C++ PostInit): Slaney mel, 0–7600 Hz, no DC removal. Follow with per-feature norm. */
  parakeet: Object.freeze({
    ...KALDI_DEFAULTS,
    numMelBins: 128,
    snipEdges: false,
    removeDcOffset: false,
    lowFreq: 0,
    highFreq: -400,
    melScale: 'slaney',
  }),
} satisfies Record<string, Readonly<FbankOptions>>);

export type FbankPreset = keyof typeof FBANK_PRESETS;

/** Geometry derived from options: sizes in samples. */
export interface FrameGeometry {
  windowSize: number;
  windowShift: number;
  paddedSize: number;
  snipEdges: boolean;
}

/** Fills in defaults and rejects options Kaldi would reject (and non-zero dither). */
export function resolveFbankOptions(options: Partial<FbankOptions> | FbankPreset = {}): FbankOptions {
  const opts: FbankOptions =
    typeof options === 'string' ? { ...presetOrThrow(options) } : { ...KALDI_DEFAULTS, ...options };
  if (opts.dither !== 0) {
    throw new RangeError('dither must be 0: features must be deterministic for inference and tests');
  }
  if (!WINDOW_TYPES.includes(opts.windowType))
    throw new RangeError(`unknown window type: ${opts.windowType}`);
  if (opts.melScale !== 'kaldi' && opts.melScale !== 'slaney')
    throw new RangeError(`unknown mel scale: ${opts.melScale}`);
  if (!(opts.preemphCoeff >= 0 && opts.preemphCoeff <= 1))
    throw new RangeError('preemphCoeff must be in [0, 1]');
  if (!(opts.sampleRate > 0)) throw new RangeError('sampleRate must be positive');
  if (!Number.isFinite(opts.sampleScale) || opts.sampleScale === 0)
    throw new RangeError('sampleScale must be non-zero');
  const g = frameGeometry(opts);
  if (g.windowSize < 2) throw new RangeError('frame length must be at least 2 samples');
  if (g.windowShift < 1) throw new RangeError('frame shift must be at least 1 sample');
  if (g.paddedSize % 2 !== 0) throw new RangeError('padded window size must be even');
  return opts;
}

function presetOrThrow(name: string): Readonly<FbankOptions> {
  const preset = (FBANK_PRESETS as Record<string, Readonly<FbankOptions>>)[name];
  if (!preset) throw new RangeError(`unknown fbank preset: ${name}`);
  return preset;
}

export function frameGeometry(opts: FbankOptions): FrameGeometry {
  // Kaldi truncates, as `static_cast<int32_t>(samp_freq * 0.001 * frame_length_ms)` does.
  const windowSize = Math.trunc(opts.sampleRate * 0.001 * opts.frameLengthMs + 1e-9);
  const windowShift = Math.trunc(opts.sampleRate * 0.001 * opts.frameShiftMs + 1e-9);
  const paddedSize = opts.roundToPowerOfTwo ? nextPowerOfTwo(windowSize) : windowSize;
  return { windowSize, windowShift, paddedSize, snipEdges: opts.snipEdges };
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** First sample of frame m (may be negative with snipEdges false: that part is reflected). */
export function firstSampleOfFrame(frame: number, g: FrameGeometry): number {
  if (g.snipEdges) return frame * g.windowShift;
  return frame * g.windowShift + Math.floor(g.windowShift / 2) - Math.floor(g.windowSize / 2);
}

/**
 * Number of frames for `numSamples` samples (knf `NumFrames`). With `flush` false (still streaming),
 * only frames whose last sample has arrived count.
 */
export function numFrames(numSamples: number, g: FrameGeometry, flush = true): number {
  if (g.snipEdges) {
    return numSamples < g.windowSize ? 0 : 1 + Math.floor((numSamples - g.windowSize) / g.windowShift);
  }
  let n = Math.floor((numSamples + Math.floor(g.windowShift / 2)) / g.windowShift);
  if (flush) return n;
  while (n > 0 && firstSampleOfFrame(n - 1, g) + g.windowSize > numSamples) n--;
  return n;
}
