/**
 * Endpointing (issue 8 item 3): pure logic over per-window speech probabilities and energies, so every rule is
 * tested with crafted sequences. It decides where a segment of one channel starts and ends:
 *
 *  - start: p >= threshold for minSpeechMs (a candidate that never gets there is a blip); the start is padded
 *    back by padMs so the recognizer sees the onset;
 *  - end on silence: p < negThreshold for minSilenceMs (hysteresis in between, as silero);
 *  - semantic hint: when the recognizer's hypothesis ends a sentence (. ? !), semanticSilenceMs is enough;
 *  - max length: a segment reaching maxSegmentMs is split at the lowest-energy window of its last
 *    splitSearchMs, and a new segment starts right there (speech carries on through the cut);
 *  - flush (stop/pause): an open segment or a pending candidate is closed, so the last words are never lost.
 *
 * Sample positions count from the first sample pushed. Ends are exclusive.
 */
import type { EndpointReason } from './types';

export interface EndpointConfig {
  threshold: number;
  negThreshold: number;
  minSpeechMs: number;
  minSilenceMs: number;
  /** Shorter silence that closes a segment whose hypothesis ends a sentence. */
  semanticSilenceMs: number;
  maxSegmentMs: number;
  splitSearchMs: number;
  padMs: number;
}

export const DEFAULT_ENDPOINT_CONFIG: Readonly<EndpointConfig> = Object.freeze({
  threshold: 0.5,
  negThreshold: 0.35,
  minSpeechMs: 250,
  minSilenceMs: 600,
  semanticSilenceMs: 300,
  maxSegmentMs: 20_000,
  splitSearchMs: 3_000,
  padMs: 150,
});

export type EndpointEvent =
  { type: 'start'; sample: number } | { type: 'end'; sample: number; reason: EndpointReason };

export interface EndpointWindow {
  probability: number;
  /** New samples the window covers. */
  samples: number;
  /** Mean square of the window's samples (for the max-length split). */
  energy: number;
}

const SENTENCE_END = /[.?!。？！]["')\]]*\s*$/u;

/** True when a hypothesis ends a sentence (the semantic hint). */
export function endsSentence(text: string): boolean {
  return SENTENCE_END.test(text);
}

export function validateEndpointConfig(c: EndpointConfig): void {
  const problems: string[] = [];
  if (!(c.threshold > 0 && c.threshold < 1)) problems.push('threshold must be in (0, 1)');
  if (!(c.negThreshold > 0 && c.negThreshold <= c.threshold))
    problems.push('negThreshold must be in (0, threshold]');
  for (const k of ['minSpeechMs', 'minSilenceMs', 'semanticSilenceMs', 'padMs', 'splitSearchMs'] as const) {
    if (!(Number.isFinite(c[k]) && c[k] >= 0)) problems.push(`${k} must be a finite number >= 0`);
  }
  if (!(c.semanticSilenceMs <= c.minSilenceMs)) problems.push('semanticSilenceMs must be <= minSilenceMs');
  if (!(c.maxSegmentMs > c.splitSearchMs)) problems.push('maxSegmentMs must be > splitSearchMs');
  if (problems.length) throw new RangeError(`invalid endpoint config: ${problems.join('; ')}`);
}

type Phase = 'idle' | 'candidate' | 'speech';

export class Endpointer {
  readonly config: Readonly<EndpointConfig>;
  private readonly sr: number;
  private phase: Phase = 'idle';
  private processed = 0;
  private segStart = 0;
  private speechEnd = 0;
  private silenceStart = -1;
  /** Padded end of the last segment: a padded start never reaches back before it. */
  private lastEnd = 0;
  /** Open segment's start (padded). */
  private openStart = 0;
  /** Recent windows of the open segment: [endSample, energy], at most splitSearchMs worth. */
  private recent: Array<[number, number]> = [];

  constructor(config: Partial<EndpointConfig> = {}, sampleRate = 16_000) {
    this.config = Object.freeze({ ...DEFAULT_ENDPOINT_CONFIG, ...config });
    validateEndpointConfig(this.config);
    this.sr = sampleRate;
  }

  get inSpeech(): boolean {
    return this.phase === 'speech';
  }

  get position(): number {
    return this.processed;
  }

  /** Padded start of the open segment (meaningful while inSpeech). */
  get segmentStart(): number {
    return this.openStart;
  }

  private toSamples(ms: number): number {
    return Math.round((ms * this.sr) / 1000);
  }

  /**
   * Consumes one window. `hypothesis` is asked only when a short silence is pending, so a recognizer's partial
   * is computed only when the semantic hint can matter.
   */
  push(w: EndpointWindow, hypothesis: () => string = () => ''): EndpointEvent[] {
    const c = this.config;
    const w0 = this.processed;
    const w1 = w0 + w.samples;
    this.processed = w1;

    if (this.phase === 'idle') {
      if (w.probability < c.threshold) return [];
      this.phase = 'candidate';
      this.segStart = w0;
      this.speechEnd = w1;
      this.silenceStart = -1;
      this.recent = [];
      this.remember(w1, w.energy);
      return w1 - w0 >= this.toSamples(c.minSpeechMs) ? [this.confirm()] : [];
    }

    this.remember(w1, w.energy);
    if (w.probability >= c.threshold) {
      this.silenceStart = -1;
      this.speechEnd = w1;
    } else if (w.probability < c.negThreshold) {
      if (this.silenceStart < 0) this.silenceStart = w0;
    } else if (this.silenceStart < 0) {
      this.speechEnd = w1;
    }

    if (this.silenceStart >= 0) {
      const silence = w1 - this.silenceStart;
      if (silence >= this.toSamples(c.minSilenceMs)) {
        if (this.phase === 'candidate') {
          this.phase = 'idle';
          return [];
        }
        return [this.close(this.silenceStart, 'silence')];
      }
      if (
        this.phase === 'speech' &&
        silence >= this.toSamples(c.semanticSilenceMs) &&
        endsSentence(hypothesis())
      ) {
        return [this.close(this.silenceStart, 'semantic')];
      }
    }

    if (this.phase === 'candidate') {
      return this.speechEnd - this.segStart >= this.toSamples(c.minSpeechMs) ? [this.confirm()] : [];
    }
    if (w1 - this.openStart >= this.toSamples(c.maxSegmentMs)) return this.split();
    return [];
  }

  /** Closes whatever is open (stop, pause). A candidate is kept: it may hold the last word before stop. */
  flush(): EndpointEvent[] {
    const events: EndpointEvent[] = [];
    if (this.phase === 'idle') return events;
    if (this.phase === 'candidate') events.push(this.confirm());
    const end = this.silenceStart >= 0 ? this.silenceStart : this.processed;
    events.push(this.close(end, 'flush'));
    return events;
  }

  /** Forgets everything; positions restart at 0 (a discontinuity such as resume after pause). */
  reset(): void {
    this.phase = 'idle';
    this.processed = 0;
    this.segStart = 0;
    this.speechEnd = 0;
    this.silenceStart = -1;
    this.lastEnd = 0;
    this.openStart = 0;
    this.recent = [];
  }

  private remember(end: number, energy: number): void {
    this.recent.push([end, energy]);
    const horizon = end - this.toSamples(this.config.splitSearchMs);
    let drop = 0;
    while (drop < this.recent.length && this.recent[drop]![0] <= horizon) drop++;
    if (drop > 0) this.recent.splice(0, drop);
  }

  private confirm(): EndpointEvent {
    this.phase = 'speech';
    this.openStart = Math.max(0, this.segStart - this.toSamples(this.config.padMs), this.lastEnd);
    return { type: 'start', sample: this.openStart };
  }

  private close(end: number, reason: EndpointReason, pad = true): EndpointEvent {
    const sample = pad ? Math.min(end + this.toSamples(this.config.padMs), this.processed) : end;
    this.lastEnd = sample;
    this.phase = 'idle';
    this.silenceStart = -1;
    return { type: 'end', sample, reason };
  }

  /** Max length: cut in the middle of the quietest recent window (ties: the latest), start again there. */
  private split(): EndpointEvent[] {
    let best = this.recent.length - 1;
    for (let i = this.recent.length - 2; i >= 0; i--) {
      if (this.recent[i]![1] < this.recent[best]![1]) best = i;
    }
    const [windowEnd] = this.recent[best]!;
    const windowStart = best > 0 ? this.recent[best - 1]![0] : windowEnd - this.toSamples(32);
    const cut = Math.max(this.openStart + 1, Math.round((windowStart + windowEnd) / 2));
    const end = this.close(cut, 'max-length', false);
    this.recent = this.recent.filter(([e]) => e > cut);
    this.phase = 'speech';
    this.openStart = cut;
    this.silenceStart = -1;
    return [end, { type: 'start', sample: cut }];
  }
}
