/**
 * Fakes for pipeline logic tests (not models): an energy VAD and "tone recognizers" that name the dominant
 * frequency of every 100 ms of non-silent audio (zero-crossing count). A scaled, delayed copy of a tone (an
 * echo) is named like the original, a different tone differently, so the echo guard can be exercised with
 * known words; silence produces nothing, like a real recognizer.
 */
import type {
  AsrHypothesis,
  AsrWord,
  OfflineRecognizer,
  RecognizerStream,
  StreamingRecognizer,
} from '../../../main/engines/asr/types';
import type { VadEngine, VadModel } from '../../../main/engines/vad/types';

const SR = 16000;
const BLOCK = 1600;

export function energyVad(threshold = 0.005): VadEngine {
  return {
    createStream(): VadModel {
      return {
        sampleRate: SR,
        windowSamples: 512,
        async predict(window) {
          let e = 0;
          for (const v of window) e += v * v;
          return Math.sqrt(e / window.length) > threshold ? 0.95 : 0.02;
        },
        reset() {},
      };
    },
    async dispose() {},
  };
}

/** Word for one 100 ms block, or null for silence. */
export function toneWord(block: Float32Array, prefix = 't'): string | null {
  // Only the sounding part of the block counts, so a block half in silence is named like the tone.
  let first = -1;
  let last = -1;
  for (let i = 0; i < block.length; i++) {
    if (Math.abs(block[i]!) > 0.004) {
      if (first < 0) first = i;
      last = i;
    }
  }
  if (first < 0 || last - first < 400) return null;
  let crossings = 0;
  for (let i = first + 1; i <= last; i++) if (block[i - 1]! < 0 !== block[i]! < 0) crossings++;
  const hz = (crossings * SR) / (2 * (last - first));
  return `${prefix}${Math.round(hz / 100) * 100}`;
}

function blockWords(audio: Float32Array, baseMs: number, prefix: string): AsrWord[] {
  const words: AsrWord[] = [];
  for (let b = 0; b + BLOCK / 2 <= audio.length; b += BLOCK) {
    const text = toneWord(audio.subarray(b, Math.min(audio.length, b + BLOCK)), prefix);
    if (text) {
      const startMs = baseMs + (b * 1000) / SR;
      words.push({ text, startMs, endMs: startMs + 100, confidence: 0.95 });
    }
  }
  return words;
}

const hyp = (words: AsrWord[], extra: Partial<AsrHypothesis> = {}): AsrHypothesis => ({
  text: words.map((w) => w.text).join(' '),
  words,
  ...extra,
});

export interface ToneStreamingOptions {
  /** Added to every acceptWaveform (simulates a slow model, for backpressure tests). */
  delayMs?: number;
}

/** Streaming: word times count accepted samples across finalize(), as the real engines do. */
export class ToneStreaming implements StreamingRecognizer {
  readonly modelId = 'tone-streaming';
  readonly chunkSamples = 3200;
  streams: ToneStream[] = [];
  constructor(private readonly options: ToneStreamingOptions = {}) {}
  createStream(): ToneStream {
    const s = new ToneStream(this.options.delayMs ?? 0);
    this.streams.push(s);
    return s;
  }
  async dispose(): Promise<void> {}
}

export class ToneStream implements RecognizerStream {
  accepted = 0;
  private buffer: number[] = [];
  private words: AsrWord[] = [];
  constructor(private readonly delayMs: number) {}

  async acceptWaveform(samples: Float32Array): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    for (const v of samples) this.buffer.push(v);
    this.accepted += samples.length;
    while (this.buffer.length >= BLOCK) this.takeBlock(BLOCK);
  }

  partial(): AsrHypothesis {
    return hyp([...this.words]);
  }

  async finalize(): Promise<AsrHypothesis> {
    if (this.buffer.length >= BLOCK / 2) this.takeBlock(this.buffer.length);
    this.buffer = [];
    const result = hyp(this.words);
    this.words = [];
    return result;
  }

  reset(): void {
    this.accepted = 0;
    this.buffer = [];
    this.words = [];
  }

  private takeBlock(n: number): void {
    const block = Float32Array.from(this.buffer.splice(0, n));
    const startSample = this.accepted - this.buffer.length - n;
    this.words.push(...blockWords(block, (startSample * 1000) / SR, 't'));
  }
}

/** Offline: the same naming, upper-case (so a test can see the final pass replaced the streaming words). */
export class ToneOffline implements OfflineRecognizer {
  readonly modelId = 'tone-offline';
  readonly maxSamples = 30 * SR;
  decodes = 0;
  constructor(private readonly emotion?: { label: string; score: number }) {}
  async decode(samples: Float32Array): Promise<AsrHypothesis> {
    this.decodes++;
    return hyp(blockWords(samples, 0, 'T'), this.emotion ? { emotion: this.emotion, language: 'en' } : {});
  }
  async dispose(): Promise<void> {}
}
