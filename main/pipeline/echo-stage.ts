/**
 * Pairs each mic frame with the system frame captured at the same time and runs the echo canceller
 * (issue 8 item 1). Frames are matched by capture time, not arrival: the two sources deliver in bursts of
 * their own. A mic frame waits (bounded) for its reference; when the system channel has moved past it, or is
 * absent, silence is the reference. The canceller's output lags its input by `latencySamples`, so cleaned
 * frames are stamped `latencyMs` earlier: timestamps stay true capture times.
 */
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../audio/frames';
import type { EchoCancellerLike } from './types';

export interface TimedSamples {
  /** Capture time of samples[0], ms on the producer's clock. */
  t: number;
  samples: Float32Array;
}

const SILENCE = new Float32Array(FRAME_SAMPLES);

export class MicEchoStage {
  readonly latencyMs: number;
  private readonly refs = new Map<number, Float32Array>();
  private systemHigh = -Infinity;
  private held: AudioFrame[] = [];
  private lastMicT: number | null = null;

  constructor(
    private readonly aec: EchoCancellerLike | null,
    /** Mic frames held at most while waiting for the reference (default 25 = 500 ms). */
    private readonly maxHeld = 25,
    /** Reference frames kept at most (the mic may be absent or far behind). */
    private readonly maxRefs = 500,
  ) {
    this.latencyMs = aec ? (aec.latencySamples * 1000) / SAMPLE_RATE : 0;
  }

  /** Frames waiting for their reference. */
  get heldCount(): number {
    return this.held.length;
  }

  pushSystem(frame: AudioFrame): TimedSamples[] {
    if (!this.aec) return [];
    const key = keyOf(frame.t);
    this.refs.set(key, frame.samples);
    this.systemHigh = Math.max(this.systemHigh, key);
    if (this.refs.size > this.maxRefs) {
      const oldest = this.refs.keys().next().value;
      if (oldest !== undefined) this.refs.delete(oldest);
    }
    return this.release(false);
  }

  pushMic(frame: AudioFrame): TimedSamples[] {
    if (!this.aec) return [{ t: frame.t, samples: frame.samples }];
    this.held.push(frame);
    return this.release(false);
  }

  /** End of input (stop/pause): held frames go with whatever reference exists, then the canceller is drained. */
  flush(): TimedSamples[] {
    if (!this.aec) return [];
    const out = this.release(true);
    if (this.lastMicT !== null) {
      const frames = Math.ceil(this.aec.latencySamples / FRAME_SAMPLES);
      for (let i = 0; i < frames; i++) {
        const t = this.lastMicT + FRAME_MS;
        out.push(this.clean({ channel: 'mic', seq: 0, t, epochMs: 0, samples: SILENCE }, SILENCE));
      }
    }
    this.refs.clear();
    this.systemHigh = -Infinity;
    this.lastMicT = null;
    return out;
  }

  private release(all: boolean): TimedSamples[] {
    const out: TimedSamples[] = [];
    while (this.held.length > 0) {
      const frame = this.held[0]!;
      const key = keyOf(frame.t);
      const ref = this.refs.get(key);
      if (!ref && !all && key > this.systemHigh && this.held.length <= this.maxHeld) break;
      this.held.shift();
      out.push(this.clean(frame, ref ?? SILENCE));
      // References at or before this one are no longer needed.
      for (const k of this.refs.keys()) {
        if (k > key) break;
        this.refs.delete(k);
      }
    }
    return out;
  }

  private clean(frame: AudioFrame, ref: Float32Array): TimedSamples {
    this.lastMicT = frame.t;
    const samples = this.aec!.process(frame.samples, ref.length === frame.samples.length ? ref : SILENCE);
    return { t: frame.t - this.latencyMs, samples };
  }
}

function keyOf(t: number): number {
  return Math.round(t / FRAME_MS);
}
