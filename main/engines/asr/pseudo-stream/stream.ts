import type {
  AsrHypothesis,
  AsrWord,
  OfflineDecodeOptions,
  OfflineRecognizer,
  RecognizerStream,
  StreamingRecognizer,
} from '../types';
import { joinWords } from '../text-pieces';
import { agreedPrefix, tailStart } from './agreement';

/**
 * Pseudo-streaming over any OfflineRecognizer (issue 6 item 6; DESIGN.md "The live session" step 4):
 * every `intervalMs` of new audio the whole open window is decoded again, and the words two consecutive
 * decodes agree on are committed (LocalAgreement-2). Committed words never change; partials show them
 * plus the latest uncommitted tail. finalize() decodes once more and commits everything, so the last
 * words are never lost.
 *
 * Long segments: a window may not grow past the model's maxSamples. It is cut at the start of the last
 * committed word, which stays as overlap and is aligned away in the next decode (tailStart); if
 * nothing is committed yet, the window is decoded as it is and all of it but the last word (which may
 * be cut off mid-way) is committed first. Word times come from the offline model, so the cut is only
 * as exact as its timings (Whisper's are estimates; the overlap word absorbs small errors).
 */

const SAMPLE_RATE = 16000;

export interface PseudoStreamingOptions {
  /** Re-decode every this many ms of new audio (default 1000). Also the chunk-size hint. */
  intervalMs?: number;
  /** Passed to every decode (language, hotwords). */
  decodeOptions?: Omit<OfflineDecodeOptions, 'signal'>;
  /** dispose() also disposes the offline recognizer (default false: it is usually shared with the final pass). */
  ownsRecognizer?: boolean;
}

export class PseudoStreamingRecognizer implements StreamingRecognizer {
  readonly modelId: string;
  readonly chunkSamples: number;

  constructor(
    private readonly offline: OfflineRecognizer,
    private readonly options: PseudoStreamingOptions = {},
  ) {
    const intervalMs = options.intervalMs ?? 1000;
    if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
    this.modelId = offline.modelId;
    this.chunkSamples = Math.round((intervalMs * SAMPLE_RATE) / 1000);
    if (this.chunkSamples >= offline.maxSamples) {
      throw new RangeError(`intervalMs ${intervalMs} is not shorter than the model's longest input`);
    }
  }

  createStream(): PseudoStream {
    return new PseudoStream(this.offline, this.chunkSamples, this.options.decodeOptions ?? {});
  }

  async dispose(): Promise<void> {
    if (this.options.ownsRecognizer) await this.offline.dispose();
  }
}

type Meta = Pick<AsrHypothesis, 'language' | 'emotion' | 'events'>;

/** The stream type createStream() returns; `committedCount` is for tests and diagnostics. */
export class PseudoStream implements RecognizerStream {
  /** Audio of the open window; window[0] is sample `windowStart` since the last reset. */
  private window = new Float32Array(0);
  private windowLength = 0;
  private windowStart = 0;
  private sinceDecode = 0;
  /** Committed words of the open segment (times since reset). */
  private committed: AsrWord[] = [];
  /** Texts of the committed words whose audio is still in the window (aligned against each decode). */
  private windowCommitted: string[] = [];
  /** End of the last committed word, ms since reset. */
  private committedEndMs = 0;
  /** Start of the last committed word as the model reported it, ms since reset. */
  private lastCommittedStartMs = 0;
  /** Uncommitted tail of the latest decode. */
  private tail: AsrWord[] = [];
  private hasTail = false;
  private meta: Meta = {};
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;

  constructor(
    private readonly offline: OfflineRecognizer,
    private readonly interval: number,
    private readonly decodeOptions: Omit<OfflineDecodeOptions, 'signal'>,
  ) {}

  /** How many leading words of partial() are committed (they never change until finalize/reset). */
  get committedCount(): number {
    return this.committed.length;
  }

  acceptWaveform(samples: Float32Array): Promise<void> {
    return this.serial(async () => {
      this.append(samples);
      this.sinceDecode += samples.length;
      // One decode per call however much arrived: a recognizer that falls behind skips partials, never audio.
      if (this.sinceDecode >= this.interval) {
        this.sinceDecode = 0;
        await this.update(false);
      }
    });
  }

  partial(): AsrHypothesis {
    return this.hypothesis([...this.committed, ...this.tail]);
  }

  finalize(): Promise<AsrHypothesis> {
    return this.serial(async () => {
      if (this.windowLength > 0) await this.update(true);
      const result = this.hypothesis(this.committed);
      // A new segment starts where this one ended.
      const end = this.windowStart + this.windowLength;
      this.clear();
      this.windowStart = end;
      return result;
    });
  }

  reset(): void {
    this.clear();
    this.generation++;
  }

  private clear(): void {
    this.window = new Float32Array(0);
    this.windowLength = 0;
    this.windowStart = 0;
    this.sinceDecode = 0;
    this.committed = [];
    this.windowCommitted = [];
    this.committedEndMs = 0;
    this.lastCommittedStartMs = 0;
    this.tail = [];
    this.hasTail = false;
    this.meta = {};
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private append(samples: Float32Array): void {
    const needed = this.windowLength + samples.length;
    if (needed > this.window.length) {
      const grown = new Float32Array(Math.max(needed, this.window.length * 2, this.interval * 4));
      grown.set(this.window.subarray(0, this.windowLength));
      this.window = grown;
    }
    this.window.set(samples, this.windowLength);
    this.windowLength = needed;
  }

  private msOf(sample: number): number {
    return (sample * 1000) / SAMPLE_RATE;
  }

  /** Samples from the window start to stream time `ms`. */
  private samplesTo(ms: number): number {
    return Math.round(((ms - this.msOf(this.windowStart)) * SAMPLE_RATE) / 1000);
  }

  /** Decodes the window; returns its words in stream time, or null when a reset happened meanwhile. */
  private async decodeWindow(length: number): Promise<AsrWord[] | null> {
    const generation = this.generation;
    const hyp = await this.offline.decode(this.window.slice(0, length), this.decodeOptions);
    if (generation !== this.generation) return null;
    this.meta = { language: hyp.language, emotion: hyp.emotion, events: hyp.events };
    const base = this.msOf(this.windowStart);
    const limit = this.msOf(length);
    return hyp.words.map((w) => ({
      ...w,
      startMs: base + Math.min(Math.max(w.startMs, 0), limit),
      endMs: base + Math.min(Math.max(w.endMs, 0), limit),
    }));
  }

  private async update(final: boolean): Promise<void> {
    if (this.windowLength > this.offline.maxSamples) {
      if (!(await this.cutWindow())) return;
    }
    const words = await this.decodeWindow(this.windowLength);
    if (!words) return;
    const tail = words.slice(tailStart(this.windowCommitted, words, this.committedEndMs));
    // LocalAgreement-2: commit what this decode and the previous one agree on; at the end, everything.
    const agreed = final ? tail.length : this.hasTail ? agreedPrefix(this.tail, tail) : 0;
    this.commit(tail.slice(0, agreed));
    this.tail = tail.slice(agreed);
    this.hasTail = true;
  }

  private commit(words: readonly AsrWord[]): void {
    for (const word of words) {
      // Monotone times even when a re-decode places a word slightly earlier than its committed neighbour.
      const startMs = Math.max(word.startMs, this.committedEndMs);
      const endMs = Math.max(word.endMs, startMs);
      this.committed.push({ ...word, startMs, endMs });
      this.windowCommitted.push(word.text);
      this.committedEndMs = endMs;
      this.lastCommittedStartMs = word.startMs;
    }
  }

  /**
   * Shrinks the window to fit maxSamples with room for one more chunk (see the class comment).
   * False when a reset intervened.
   */
  private async cutWindow(): Promise<boolean> {
    const max = this.offline.maxSamples;
    if (this.windowCommitted.length === 0) {
      // Nothing committed: decode what fits and commit all of it but its last word (maybe cut off).
      const words = await this.decodeWindow(Math.min(this.windowLength, max));
      if (!words) return false;
      const keep = words.length > 1 ? words.length - 1 : words.length;
      this.commit(words.slice(0, keep));
      this.tail = words.slice(keep);
      this.hasTail = true;
    }
    // The last committed word stays in the window as overlap: its whole audio is decoded again and
    // aligned away by tailStart, so a word whose reported end is early leaves no fragment behind,
    // and a next word whose reported start is late is not clipped.
    const overlapAt = this.samplesTo(this.lastCommittedStartMs);
    const overlap = this.windowCommitted.length > 0;
    const room = this.windowLength - max + this.interval;
    const cut = Math.min(Math.max(overlap ? overlapAt : room, room, 0), this.windowLength);
    const last = this.windowCommitted[this.windowCommitted.length - 1];
    const wordLeft = cut < this.samplesTo(this.committedEndMs);
    this.window.copyWithin(0, cut, this.windowLength);
    this.windowLength -= cut;
    this.windowStart += cut;
    // While any of the overlap word's audio is left (even a fragment, when the cut had to go past its
    // start), it is aligned away; tailStart's time tie-break copes with a fragment the model ignores.
    this.windowCommitted = overlap && wordLeft && last !== undefined ? [last] : [];
    return true;
  }

  private hypothesis(words: readonly AsrWord[]): AsrHypothesis {
    const hyp: AsrHypothesis = {
      text: joinWords(words.map((w) => w.text)),
      words: words.map((w) => ({ ...w })),
    };
    if (this.meta.language !== undefined) hyp.language = this.meta.language;
    if (this.meta.emotion !== undefined) hyp.emotion = this.meta.emotion;
    if (this.meta.events !== undefined) hyp.events = this.meta.events;
    return hyp;
  }
}
