/**
 * Reads a microphone track with MediaStreamTrackProcessor (WebCodecs AudioData, 10 ms chunks with
 * capture timestamps) and turns it into 20 ms frames at 16 kHz.
 *
 * Why this is preferred over the AudioWorklet path: measured in the e2e (Chromium 156, 2 busy cores),
 * a MediaStreamAudioSourceNode feeding a 16 kHz AudioContext silently inserts 10 ms of silence whenever
 * the render thread outruns the capture thread (its FIFO underruns), 1-3 times in 7 s. That shifts
 * everything after it, and nothing downstream can tell. Here the track's own queue absorbs stalls (up to
 * 1 s), and audio that is lost anyway shows up as a jump in the chunks' timestamps, which becomes a jump
 * in the frame sequence: the backend reports it and fills it with silence, so file time stays capture time.
 */
import { Resampler, TARGET_RATE } from './resampler';
import type { CapturedFrame } from './protocol';

// WebCodecs / Insertable Streams types are not in TypeScript's DOM lib yet.
interface AudioDataLike {
  readonly sampleRate: number;
  readonly numberOfFrames: number;
  readonly numberOfChannels: number;
  /** Microseconds. */
  readonly timestamp: number;
  copyTo(destination: Float32Array, options: { planeIndex: number; format: 'f32-planar' }): void;
  close(): void;
}
/** A MediaStreamTrack, structurally: keeps this module free of DOM types (it is unit-tested in Node). */
export interface TrackHandle {
  readonly label: string;
}
type ProcessorCtor = new (init: { track: TrackHandle; maxBufferSize?: number }) => {
  readable: ReadableStream<AudioDataLike>;
};

export const trackProcessorAvailable = (): boolean =>
  typeof (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor === 'function';

const FRAME_SAMPLES = 320;
const FRAME_MS = 20;
/** A timestamp jump beyond this is lost audio, not jitter (chunks are 10 ms). */
const GAP_TOLERANCE_US = 15_000;

/**
 * One frame clock across every track a channel reads (a device switch keeps counting). `startMs` places
 * the channel's first sample on the meeting's capture clock: the microphone starts it (0), system audio
 * joins a little later and its frames carry that offset in `t`, so the two channels line up by time
 * while each one's seq starts at 0.
 */
export class FrameClock {
  seq = 0;
  private frame = new Float32Array(FRAME_SAMPLES);
  private fill = 0;

  constructor(
    private readonly emit: (frame: CapturedFrame) => void,
    readonly startMs = 0,
  ) {}

  push(samples: Float32Array): void {
    for (let i = 0; i < samples.length; i++) {
      this.frame[this.fill++] = samples[i]!;
      if (this.fill === FRAME_SAMPLES) {
        this.emit({ seq: this.seq, t: this.startMs + this.seq * FRAME_MS, samples: this.frame });
        this.seq++;
        this.frame = new Float32Array(FRAME_SAMPLES);
        this.fill = 0;
      }
    }
  }

  /**
   * `ms` of audio never arrived: the partial frame is completed with silence, then the seq jumps by the
   * rest, so the first frame after the hole carries the capture time it really has.
   */
  skip(ms: number): void {
    if (this.fill > 0) {
      ms -= ((FRAME_SAMPLES - this.fill) * FRAME_MS) / FRAME_SAMPLES;
      this.push(new Float32Array(FRAME_SAMPLES - this.fill));
    }
    this.seq += Math.max(0, Math.round(ms / FRAME_MS));
  }
}

/** Reads one track until it ends or stop() is called; resolves then. */
export async function readTrack(
  track: TrackHandle,
  clock: FrameClock,
  signal: { stopped: boolean },
): Promise<void> {
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: ProcessorCtor })
    .MediaStreamTrackProcessor;
  // 100 chunks = 1 s: a main-thread stall (GC, a long render) is absorbed, not lost.
  const reader = new Processor({ track, maxBufferSize: 100 }).readable.getReader();
  let resampler: Resampler | null = null;
  let expectedUs: number | null = null;
  let scratch = new Float32Array(0);
  try {
    while (!signal.stopped) {
      const { value, done } = await reader.read();
      if (done) return;
      try {
        if (!resampler || resampler.inRate !== value.sampleRate) resampler = new Resampler(value.sampleRate);
        if (expectedUs !== null && value.timestamp - expectedUs > GAP_TOLERANCE_US) {
          clock.skip((value.timestamp - expectedUs) / 1000);
          resampler = new Resampler(value.sampleRate);
        }
        expectedUs = value.timestamp + (value.numberOfFrames * 1e6) / value.sampleRate;
        if (scratch.length !== value.numberOfFrames) scratch = new Float32Array(value.numberOfFrames);
        // Channel 0 only: the track is requested mono; a stereo fake/virtual device carries it twice.
        value.copyTo(scratch, { planeIndex: 0, format: 'f32-planar' });
        clock.push(resampler.push(scratch));
      } finally {
        value.close();
      }
    }
  } finally {
    reader.releaseLock();
  }
}

export { TARGET_RATE };
