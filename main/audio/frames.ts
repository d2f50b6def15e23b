/**
 * The app's one audio frame format (DESIGN.md "Processes"): 16 kHz mono Float32, 20 ms per frame, tagged
 * with its channel, a per-channel sequence number and a capture timestamp. Every source (Chromium worklet,
 * parec, file import) produces exactly this, so the pipeline and the recorder never see anything else.
 */
import { z } from 'zod';

export const SAMPLE_RATE = 16_000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 320

export const CHANNELS = ['mic', 'system'] as const;
export type AudioChannel = (typeof CHANNELS)[number];

export interface AudioFrame {
  channel: AudioChannel;
  /** Per channel, from 0, +1 per 20 ms of audio; a jump means audio was lost (see GapDetector). */
  seq: number;
  /** Capture time of the frame's first sample: ms on the producer's monotonic clock since the stream began. */
  t: number;
  /** Wall-clock epoch (Date.now()) at t = 0, so `epochMs + t` is the frame's wall time without clock jumps. */
  epochMs: number;
  samples: Float32Array;
}

const frameSamples = z.custom<Float32Array>(
  (v) => v instanceof Float32Array && v.length === FRAME_SAMPLES && v.every(Number.isFinite),
  { message: `samples must be a Float32Array of exactly ${FRAME_SAMPLES} finite values` },
);

/** Validates a frame that crossed a process boundary (MessagePort, IPC): the far side is not trusted. */
export const AudioFrameSchema = z.object({
  channel: z.enum(CHANNELS),
  seq: z.number().int().nonnegative(),
  t: z.number().finite(),
  epochMs: z.number().finite(),
  samples: frameSamples,
});

export interface GapEvent {
  kind: 'gap' | 'duplicate';
  channel: AudioChannel;
  /** For a gap: first missing seq; for a duplicate/late frame: its seq. */
  seq: number;
  /** Frames missing (gap) or 1 (duplicate). */
  count: number;
}

export interface ChannelGapStats {
  received: number;
  missing: number;
  duplicates: number;
  gaps: number;
}

/**
 * Tracks sequence numbers per channel. A frame below the expected seq is counted as a duplicate (late
 * frames are useless to a live pipeline, so they are treated the same way); a frame above it is a gap.
 */
export class GapDetector {
  private readonly next = new Map<AudioChannel, number>();
  private readonly stats = new Map<AudioChannel, ChannelGapStats>();

  push(frame: Pick<AudioFrame, 'channel' | 'seq'>): GapEvent | null {
    const stats = this.statsFor(frame.channel);
    const expected = this.next.get(frame.channel) ?? 0;
    if (frame.seq < expected) {
      stats.duplicates++;
      return { kind: 'duplicate', channel: frame.channel, seq: frame.seq, count: 1 };
    }
    stats.received++;
    this.next.set(frame.channel, frame.seq + 1);
    if (frame.seq === expected) return null;
    const count = frame.seq - expected;
    stats.missing += count;
    stats.gaps++;
    return { kind: 'gap', channel: frame.channel, seq: expected, count };
  }

  /** Lets a stream legitimately resume at another seq (e.g. after pause) without reporting a gap. */
  resetTo(channel: AudioChannel, seq: number): void {
    this.next.set(channel, seq);
  }

  report(): Partial<Record<AudioChannel, ChannelGapStats>> {
    return Object.fromEntries([...this.stats].map(([ch, s]) => [ch, { ...s }]));
  }

  private statsFor(channel: AudioChannel): ChannelGapStats {
    let s = this.stats.get(channel);
    if (!s) {
      s = { received: 0, missing: 0, duplicates: 0, gaps: 0 };
      this.stats.set(channel, s);
    }
    return s;
  }
}

export interface FramerOptions {
  channel: AudioChannel;
  epochMs?: number;
  /** Capture time (ms) of the first sample; frames after it are stamped by sample count (no jitter). */
  startT?: number;
  startSeq?: number;
}

/**
 * Cuts 16 kHz mono chunks of any size into exact 20 ms frames. Timestamps come from the sample count,
 * not from arrival time: arrival is bursty (pipes, worklet quanta), the sample clock is not.
 */
export class Framer {
  readonly channel: AudioChannel;
  private readonly epochMs: number;
  private startT: number;
  private seq: number;
  private seqAtStart: number;
  private pending = new Float32Array(FRAME_SAMPLES);
  private fill = 0;

  constructor(options: FramerOptions) {
    this.channel = options.channel;
    this.epochMs = options.epochMs ?? Date.now();
    this.startT = options.startT ?? 0;
    this.seq = options.startSeq ?? 0;
    this.seqAtStart = this.seq;
  }

  get nextSeq(): number {
    return this.seq;
  }

  /** Capture time (ms) of the next sample to be pushed: where the sample clock stands. */
  get clockT(): number {
    return this.tOf(this.seq) + (this.fill * 1000) / SAMPLE_RATE;
  }

  push(chunk: Float32Array, onFrame: (frame: AudioFrame) => void): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(FRAME_SAMPLES - this.fill, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), this.fill);
      this.fill += take;
      offset += take;
      if (this.fill === FRAME_SAMPLES) this.emit(onFrame);
    }
  }

  /** Emits the partial last frame padded with zeros (end of a stream), if any. */
  flush(onFrame: (frame: AudioFrame) => void): void {
    if (this.fill === 0) return;
    this.pending.fill(0, this.fill);
    this.emit(onFrame);
  }

  /**
   * Restarts the sample clock at capture time `t` after a discontinuity (a source restart): the seq jumps
   * by the lost time so downstream gap detection sees the hole, and any partial frame is dropped.
   */
  resync(t: number): void {
    const lostFrames = Math.max(0, Math.round((t - this.tOf(this.seq)) / FRAME_MS));
    this.seq += lostFrames;
    this.seqAtStart = this.seq;
    this.startT = t;
    this.fill = 0;
  }

  private tOf(seq: number): number {
    return this.startT + (seq - this.seqAtStart) * FRAME_MS;
  }

  private emit(onFrame: (frame: AudioFrame) => void): void {
    const frame: AudioFrame = {
      channel: this.channel,
      seq: this.seq,
      t: this.tOf(this.seq),
      epochMs: this.epochMs,
      samples: this.pending,
    };
    this.seq++;
    this.pending = new Float32Array(FRAME_SAMPLES);
    this.fill = 0;
    onFrame(frame);
  }
}
