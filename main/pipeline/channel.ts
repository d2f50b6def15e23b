/**
 * One channel of a live session: sample clock -> VAD windows -> endpointer -> recognizer stream, with the
 * pre-roll and the open segment's audio kept for the recognizer and the final pass. It hands each closed
 * segment (with the streaming hypothesis, times in capture ms) to the session, which finishes it.
 *
 * Time bases: the channel counts the samples it processed; capture ms of sample n = originMs + n / 16. A
 * recognizer stream's word times count the samples it accepted (across finalize()), and only speech is fed,
 * so each segment remembers where it started in stream time to map its words back to capture time.
 */
import type { AudioChannel } from '../audio/frames';
import type { AsrHypothesis, AsrWord, RecognizerStream, StreamingRecognizer } from '../engines/asr/types';
import type { VadModel } from '../engines/vad/types';
import { Endpointer, type EndpointConfig, type EndpointEvent } from './endpoint';
import type { EndpointReason } from './types';

const SR = 16_000;
const msOf = (samples: number): number => (samples * 1000) / SR;

export interface ClosedSegment {
  key: string;
  channel: AudioChannel;
  /** Capture ms. */
  startMs: number;
  endMs: number;
  reason: EndpointReason;
  /** The segment's audio; samples[0] is at startMs. */
  audio: Float32Array;
  /** Streaming hypothesis with word times in capture ms. */
  hypothesis: AsrHypothesis;
  /** Session clock when the endpoint was decided. */
  endpointAt: number;
  /** RMS level of the segment's audio, dBFS (after echo cancellation on the mic). */
  levelDb: number;
}

export interface PartialUpdate {
  key: string;
  channel: AudioChannel;
  captureStartMs: number;
  captureEndMs: number;
  hypothesis: AsrHypothesis;
}

export interface ChannelHooks {
  now(): number;
  /** Whether to compute and report a partial now (the session thins partials under load). */
  wantPartial(channel: AudioChannel): boolean;
  /**
   * True while the channel has a backlog: audio then goes to the recognizer in chunk-sized batches (fewer
   * calls); otherwise every VAD window is handed over at once, so a chunk is decoded as soon as it is complete.
   */
  lagging(channel: AudioChannel): boolean;
  onPartial(update: PartialUpdate): void;
  onClosed(segment: ClosedSegment): Promise<void>;
}

interface OpenSegment {
  key: string;
  startSample: number;
  /** Stream time (samples) that corresponds to startSample. */
  streamOffset: number;
  audio: Float32Array;
  length: number;
  /** Words carried over from the previous piece of a max-length split (stream time). */
  carry: AsrWord[];
  lastPartialText: string;
}

/** Kept before a confirmed speech start: speech is confirmed minSpeechMs late and padded back. */
const PRE_ROLL_MS = 3000;
/** A gap in capture times up to this long is filled with silence; a longer one restarts the clock. */
const MAX_FILL_MS = 5000;

export class ChannelProcessor {
  readonly endpointer: Endpointer;
  private originMs: number | null = null;
  private processed = 0;
  private readonly window: Float32Array;
  private windowFill = 0;
  private readonly ring: Float32Array;
  private open: OpenSegment | null = null;
  private streamFed = 0;
  private pendingFeed: Float32Array[] = [];
  private pendingFeedLength = 0;
  private segmentCounter = 0;

  constructor(
    readonly channel: AudioChannel,
    private readonly vad: VadModel,
    private readonly recognizer: StreamingRecognizer | null,
    private readonly stream: RecognizerStream | null,
    endpoint: Partial<EndpointConfig>,
    private readonly hooks: ChannelHooks,
    private readonly keyPrefix: string,
  ) {
    this.endpointer = new Endpointer(endpoint, SR);
    this.window = new Float32Array(vad.windowSamples);
    this.ring = new Float32Array(Math.round((PRE_ROLL_MS * SR) / 1000));
  }

  /** Capture ms of the next sample to process (null before the first frame). */
  get clockMs(): number | null {
    return this.originMs === null ? null : this.originMs + msOf(this.processed + this.windowFill);
  }

  /** Capture ms where the open segment starts, or null. */
  get openStartMs(): number | null {
    return this.open && this.originMs !== null ? this.originMs + msOf(this.open.startSample) : null;
  }

  get openKey(): string | null {
    return this.open?.key ?? null;
  }

  async process(t: number, samples: Float32Array): Promise<void> {
    if (this.originMs === null) this.originMs = t;
    if (!this.stream) {
      // Record-only (no ASR model): nothing to segment, only the clock moves.
      this.processed = Math.round(((t - this.originMs) * SR) / 1000) + samples.length;
      return;
    }
    // Samples waiting in the VAD window are received audio too: only a real jump in capture time is a gap.
    const received = this.processed + this.windowFill;
    const gapMs = t - (this.originMs + msOf(received));
    if (gapMs >= 10) {
      if (gapMs <= MAX_FILL_MS) await this.consume(new Float32Array(Math.round((gapMs * SR) / 1000)));
      else this.originMs = t - msOf(received);
    }
    await this.consume(samples);
  }

  /** Stop/pause: the partial VAD window is fed through, the open segment (or candidate) is closed. */
  async flush(): Promise<void> {
    if (this.windowFill > 0) {
      // The partial last window is scored zero-padded (as silero does) but counts only its real samples.
      const real = this.windowFill;
      this.window.fill(0, real);
      this.windowFill = 0;
      await this.step(this.window, real);
    }
    for (const event of this.endpointer.flush()) await this.handle(event);
  }

  /** After a discontinuity (resume): the clock restarts at the next frame, VAD and endpointer forget. */
  restart(): void {
    this.originMs = null;
    this.processed = 0;
    this.windowFill = 0;
    this.ring.fill(0);
    this.endpointer.reset();
    this.vad.reset();
  }

  private async consume(samples: Float32Array): Promise<void> {
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.window.length - this.windowFill, samples.length - offset);
      this.window.set(samples.subarray(offset, offset + take), this.windowFill);
      this.windowFill += take;
      offset += take;
      if (this.windowFill < this.window.length) break;
      this.windowFill = 0;
      await this.step(this.window);
    }
  }

  /** One VAD window: its audio joins the ring (and the open segment), then the endpointer decides. */
  private async step(scored: Float32Array, real = scored.length): Promise<void> {
    const probability = await this.vad.predict(scored);
    const window = real === scored.length ? scored : scored.subarray(0, real);
    let energy = 0;
    for (let i = 0; i < window.length; i++) energy += window[i]! * window[i]!;
    energy /= window.length;
    this.remember(window);
    this.processed += window.length;
    if (this.open) this.append(window);
    const events = this.endpointer.push({ probability, samples: window.length, energy }, () =>
      this.open ? this.currentHypothesis(this.open).text : '',
    );
    for (const event of events) await this.handle(event);
    if (this.open && this.pendingFeedLength >= (this.recognizer?.chunkSamples ?? Infinity))
      await this.feed(true);
  }

  private remember(window: Float32Array): void {
    const n = window.length;
    this.ring.copyWithin(0, n);
    this.ring.set(window, this.ring.length - n);
  }

  private async handle(event: EndpointEvent): Promise<void> {
    if (event.type === 'start') {
      if (!this.open) this.openAt(event.sample);
      return;
    }
    if (!this.open) return;
    await this.close(event.sample, event.reason);
  }

  private openAt(sample: number, carry: AsrWord[] = [], audio?: Float32Array): void {
    const start = Math.max(sample, this.processed - this.ring.length);
    const key = `${this.keyPrefix}${this.channel}-${++this.segmentCounter}`;
    const seg: OpenSegment = {
      key,
      startSample: start,
      streamOffset: this.streamFed + this.pendingFeedLength,
      audio: new Float32Array(SR * 4),
      length: 0,
      carry,
      lastPartialText: '',
    };
    this.open = seg;
    if (audio) {
      // Split: the audio from the cut on was already fed to the stream; only the segment buffer needs it.
      this.grow(seg, audio.length);
      seg.audio.set(audio);
      seg.length = audio.length;
      return;
    }
    const back = this.processed - start;
    if (back > 0) this.append(this.ring.subarray(this.ring.length - back));
  }

  private append(samples: Float32Array): void {
    const seg = this.open!;
    this.grow(seg, seg.length + samples.length);
    seg.audio.set(samples, seg.length);
    seg.length += samples.length;
    if (this.stream) {
      this.pendingFeed.push(samples.slice());
      this.pendingFeedLength += samples.length;
    }
  }

  private grow(seg: OpenSegment, needed: number): void {
    if (needed <= seg.audio.length) return;
    const bigger = new Float32Array(Math.max(needed, seg.audio.length * 2));
    bigger.set(seg.audio.subarray(0, seg.length));
    seg.audio = bigger;
  }

  /** Hands the queued audio to the recognizer (which decodes every complete chunk), then maybe a partial. */
  private async feed(partial: boolean): Promise<void> {
    if (!this.stream || this.pendingFeedLength === 0) return;
    const joined = new Float32Array(this.pendingFeedLength);
    let at = 0;
    for (const part of this.pendingFeed) {
      joined.set(part, at);
      at += part.length;
    }
    this.pendingFeed = [];
    this.pendingFeedLength = 0;
    await this.stream.acceptWaveform(joined);
    this.streamFed += joined.length;
    const seg = this.open;
    if (!partial || !seg || this.originMs === null || !this.hooks.wantPartial(this.channel)) return;
    const hypothesis = this.currentHypothesis(seg);
    if (hypothesis.text === seg.lastPartialText) return;
    seg.lastPartialText = hypothesis.text;
    this.hooks.onPartial({
      key: seg.key,
      channel: this.channel,
      captureStartMs: this.originMs + msOf(seg.startSample),
      captureEndMs: this.originMs + msOf(this.processed),
      hypothesis: this.toCapture(seg, hypothesis),
    });
  }

  private currentHypothesis(seg: OpenSegment): AsrHypothesis {
    const p = this.stream ? this.stream.partial() : { text: '', words: [] };
    if (seg.carry.length === 0) return p;
    const words = [...seg.carry, ...p.words];
    return { ...p, words, text: words.map((w) => w.text).join(' ') };
  }

  private toCapture(seg: OpenSegment, h: AsrHypothesis): AsrHypothesis {
    const base = this.originMs! + msOf(seg.startSample - seg.streamOffset);
    return {
      ...h,
      words: h.words.map((w) => ({ ...w, startMs: base + w.startMs, endMs: base + w.endMs })),
    };
  }

  private async close(endSample: number, reason: EndpointReason): Promise<void> {
    const seg = this.open!;
    const endpointAt = this.hooks.now();
    await this.feed(false);
    let hypothesis: AsrHypothesis = { text: '', words: [] };
    if (this.stream) {
      const h = await this.stream.finalize();
      const words = [...seg.carry, ...h.words];
      hypothesis = seg.carry.length ? { ...h, words, text: words.map((w) => w.text).join(' ') } : h;
    }
    const cut = endSample - seg.startSample;
    let carry: AsrWord[] = [];
    if (reason === 'max-length') {
      // Words past the cut belong to the next piece (word times are stream ms; the cut in stream ms is below).
      const cutStreamMs = msOf(seg.streamOffset + cut);
      const keep = hypothesis.words.filter((w) => (w.startMs + w.endMs) / 2 < cutStreamMs);
      carry = hypothesis.words.slice(keep.length);
      hypothesis = { ...hypothesis, words: keep, text: keep.map((w) => w.text).join(' ') };
    }
    const audio = seg.audio.slice(0, Math.max(0, Math.min(cut, seg.length)));
    const rest = reason === 'max-length' ? seg.audio.slice(Math.max(0, cut), seg.length) : undefined;
    const closed: ClosedSegment = {
      key: seg.key,
      channel: this.channel,
      startMs: this.originMs! + msOf(seg.startSample),
      endMs: this.originMs! + msOf(Math.max(seg.startSample, endSample)),
      reason,
      audio,
      hypothesis: this.toCapture(seg, hypothesis),
      endpointAt,
      levelDb: levelDb(audio),
    };
    this.open = null;
    if (rest) {
      this.openAt(endSample, carry, rest);
      // The next piece's stream time continues from the cut, not from what was fed.
      this.open!.streamOffset = seg.streamOffset + cut;
    }
    await this.hooks.onClosed(closed);
  }
}

export function levelDb(audio: Float32Array): number {
  if (audio.length === 0) return -Infinity;
  let e = 0;
  for (let i = 0; i < audio.length; i++) e += audio[i]! * audio[i]!;
  return 10 * Math.log10(e / audio.length + 1e-20);
}
