import type { VadEvent, VadSegmenterOptions } from './types';
import { VAD_SAMPLE_RATE } from './types';

/**
 * Meeting defaults (MODELS.md §2.4, last paragraph): utterance segmentation for the final-pass recogniser.
 * Padding 150 ms sits in the recommended 0.1-0.2 s band; soft cap 20 s, hard cap 25 s.
 */
export const MEETING_VAD_DEFAULTS: Readonly<VadSegmenterOptions> = Object.freeze({
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 500,
  speechPadMs: 150,
  maxSpeechMs: 20_000,
  hardMaxSpeechMs: 25_000,
});

/** sherpa-onnx's settings once a segment has run past the soft cap. */
const STRICT_THRESHOLD = 0.9;
const STRICT_MIN_SILENCE_MS = 100;

const NO_EVENTS: readonly VadEvent[] = Object.freeze([]);

type Phase = 'idle' | 'candidate' | 'speech';

/** The silero / sherpa exit-threshold rule. */
export function defaultNegThreshold(threshold: number): number {
  return Math.max(threshold - 0.15, 0.01);
}

/**
 * Streaming segmenter over per-window speech probabilities. Pure logic: no model, no audio, so it is tested
 * with crafted probability sequences. Follows silero's `get_speech_timestamps` state machine, made causal:
 *
 *  - idle -> candidate when p >= threshold; the candidate starts at that window's first sample.
 *  - inside a segment, p >= threshold cancels a pending silence; p < neg starts one (at the window's first
 *    sample); a p in between neither starts nor cancels a silence (hysteresis).
 *  - a pending silence that reaches min silence closes the segment at the silence's first sample; a candidate
 *    closed that way never had min speech and is dropped without any event.
 *  - a candidate becomes speech (speech-start emitted) once its speech spans min speech, so a start event
 *    arrives min-speech late but is never retracted.
 *
 * Max length: past `maxSpeechMs` the thresholds tighten as in sherpa (enter 0.9, exit 0.75, min silence 100 ms)
 * so the segment ends at the next short pause; at `hardMaxSpeechMs` the segment is split outright.
 */
export class VadSegmenter {
  readonly options: Readonly<Required<VadSegmenterOptions>>;
  private readonly minSpeech: number;
  private readonly minSilence: number;
  private readonly strictMinSilence: number;
  private readonly pad: number;
  private readonly softMax: number;
  private readonly hardMax: number;

  private phase: Phase = 'idle';
  private strict = false;
  /** Samples consumed so far. */
  private processed = 0;
  private segStart = 0;
  private paddedStart = 0;
  /** End of the latest window that still counted as speech. */
  private lastSpeechEnd = 0;
  /** First sample of the pending silence, or -1. */
  private silenceStart = -1;
  /** Padded end of the last emitted segment: the next padded start never reaches back before it. */
  private lastPaddedEnd = 0;

  constructor(options: Partial<VadSegmenterOptions> = {}, sampleRate = VAD_SAMPLE_RATE) {
    const merged = { ...MEETING_VAD_DEFAULTS, ...options };
    const negThreshold = options.negThreshold ?? defaultNegThreshold(merged.threshold);
    const resolved: Required<VadSegmenterOptions> = { ...merged, negThreshold };
    validate(resolved);
    this.options = Object.freeze(resolved);
    const toSamples = (ms: number): number => Math.round((ms * sampleRate) / 1000);
    this.minSpeech = toSamples(resolved.minSpeechMs);
    this.minSilence = toSamples(resolved.minSilenceMs);
    this.strictMinSilence = Math.min(this.minSilence, toSamples(STRICT_MIN_SILENCE_MS));
    this.pad = toSamples(resolved.speechPadMs);
    this.softMax = toSamples(resolved.maxSpeechMs);
    this.hardMax = toSamples(resolved.hardMaxSpeechMs);
  }

  /** True while a confirmed segment is open (speech-start emitted, speech-end not yet). */
  get inSpeech(): boolean {
    return this.phase === 'speech';
  }

  /** Number of samples consumed so far. */
  get position(): number {
    return this.processed;
  }

  /**
   * Consumes one window's probability. `samples` is the number of new stream samples the window covers
   * (the model window, or fewer for the zero-padded tail at flush).
   */
  push(probability: number, samples: number): readonly VadEvent[] {
    const w0 = this.processed;
    const w1 = w0 + samples;
    this.processed = w1;
    const threshold = this.strict ? STRICT_THRESHOLD : this.options.threshold;
    const neg = this.strict ? STRICT_THRESHOLD - 0.15 : this.options.negThreshold;

    if (this.phase === 'idle') {
      if (probability < threshold) return NO_EVENTS;
      this.phase = 'candidate';
      this.segStart = w0;
      this.lastSpeechEnd = w1;
      this.silenceStart = -1;
      return this.minSpeech <= samples ? this.confirm() : NO_EVENTS;
    }

    if (probability >= threshold) {
      this.silenceStart = -1;
      this.lastSpeechEnd = w1;
    } else if (probability < neg) {
      if (this.silenceStart < 0) this.silenceStart = w0;
    } else if (this.silenceStart < 0) {
      this.lastSpeechEnd = w1;
    }

    const minSilence = this.strict ? this.strictMinSilence : this.minSilence;
    if (this.silenceStart >= 0 && w1 - this.silenceStart >= minSilence) {
      if (this.phase === 'candidate') {
        this.phase = 'idle';
        return NO_EVENTS;
      }
      return [this.close(this.silenceStart, 'silence')];
    }

    if (this.phase === 'candidate') {
      return this.lastSpeechEnd - this.segStart >= this.minSpeech ? this.confirm() : NO_EVENTS;
    }

    const length = w1 - this.segStart;
    if (length >= this.hardMax) return this.split(w1);
    if (!this.strict && length > this.softMax) this.strict = true;
    return NO_EVENTS;
  }

  /**
   * End of stream: closes an open segment (at the pending silence if one started, else at the last sample).
   * A candidate is dropped: had it spanned min speech it would already have been confirmed.
   */
  flush(): readonly VadEvent[] {
    if (this.phase === 'candidate') this.phase = 'idle';
    if (this.phase === 'idle') return NO_EVENTS;
    return [this.close(this.silenceStart >= 0 ? this.silenceStart : this.processed, 'flush')];
  }

  reset(): void {
    this.phase = 'idle';
    this.strict = false;
    this.processed = 0;
    this.segStart = 0;
    this.paddedStart = 0;
    this.lastSpeechEnd = 0;
    this.silenceStart = -1;
    this.lastPaddedEnd = 0;
  }

  private confirm(): VadEvent[] {
    this.phase = 'speech';
    this.strict = false;
    this.paddedStart = Math.max(0, this.segStart - this.pad, this.lastPaddedEnd);
    return [{ type: 'speech-start', sample: this.paddedStart, speechSample: this.segStart }];
  }

  private close(end: number, reason: 'silence' | 'max-length' | 'flush', padEnd = true): VadEvent {
    // The end pad never runs past the audio seen so far, so the end event needs no look-ahead.
    const paddedEnd = padEnd ? Math.min(end + this.pad, this.processed) : end;
    this.lastPaddedEnd = paddedEnd;
    this.phase = 'idle';
    this.strict = false;
    this.silenceStart = -1;
    return {
      type: 'speech-end',
      sample: paddedEnd,
      speechSample: end,
      startSample: this.paddedStart,
      reason,
    };
  }

  private split(at: number): readonly VadEvent[] {
    if (this.silenceStart >= 0) {
      // A short pause is already pending: end there; speech that resumes starts a fresh candidate.
      return [this.close(this.silenceStart, 'max-length')];
    }
    // Speech runs on through the cut: no padding, the next segment begins exactly where this one ends.
    const end = this.close(at, 'max-length', false);
    this.segStart = at;
    this.lastSpeechEnd = at;
    return [end, ...this.confirm()];
  }
}

function validate(o: Required<VadSegmenterOptions>): void {
  const problems: string[] = [];
  if (!(o.threshold > 0 && o.threshold < 1)) problems.push(`threshold must be in (0, 1), got ${o.threshold}`);
  if (!(o.negThreshold > 0 && o.negThreshold <= o.threshold)) {
    problems.push(`negThreshold must be in (0, threshold], got ${o.negThreshold}`);
  }
  for (const key of ['minSpeechMs', 'minSilenceMs', 'speechPadMs'] as const) {
    if (!(o[key] >= 0 && Number.isFinite(o[key])))
      problems.push(`${key} must be a finite number >= 0, got ${o[key]}`);
  }
  if (!(o.maxSpeechMs > 0)) problems.push(`maxSpeechMs must be > 0, got ${o.maxSpeechMs}`);
  if (!(o.hardMaxSpeechMs >= o.maxSpeechMs)) {
    problems.push(`hardMaxSpeechMs must be >= maxSpeechMs, got ${o.hardMaxSpeechMs} < ${o.maxSpeechMs}`);
  }
  if (problems.length) throw new RangeError(`invalid VAD segmenter options: ${problems.join('; ')}`);
}
