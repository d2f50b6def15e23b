/** Input level metering: RMS and peak in dBFS over 100 ms windows, for the live meters and the watchdogs. */
import type { AudioChannel, AudioFrame } from './frames';
import { FRAME_MS } from './frames';

/** Floor for log of zero: digital silence reads as this, not -Infinity (JSON cannot carry -Infinity). */
export const DBFS_FLOOR = -160;

export interface Level {
  channel: AudioChannel;
  /** Capture time (ms) of the window's start. */
  t: number;
  rmsDbfs: number;
  peakDbfs: number;
}

export const toDbfs = (amplitude: number): number =>
  amplitude > 0 ? Math.max(DBFS_FLOOR, 20 * Math.log10(amplitude)) : DBFS_FLOOR;

export function frameLevel(samples: Float32Array): { rms: number; peak: number } {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sum += s * s;
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
  }
  return { rms: Math.sqrt(sum / Math.max(1, samples.length)), peak };
}

export class LevelMeter {
  private readonly framesPerWindow: number;
  private sumSquares = 0;
  private count = 0;
  private peak = 0;
  private windowT = 0;
  private frames = 0;

  constructor(windowMs = 100) {
    this.framesPerWindow = Math.max(1, Math.round(windowMs / FRAME_MS));
  }

  /** Returns a Level when a window completes. */
  push(frame: AudioFrame): Level | null {
    if (this.frames === 0) this.windowT = frame.t;
    const s = frame.samples;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      this.sumSquares += v * v;
      const a = v < 0 ? -v : v;
      if (a > this.peak) this.peak = a;
    }
    this.count += s.length;
    if (++this.frames < this.framesPerWindow) return null;
    const level: Level = {
      channel: frame.channel,
      t: this.windowT,
      rmsDbfs: toDbfs(Math.sqrt(this.sumSquares / this.count)),
      peakDbfs: toDbfs(this.peak),
    };
    this.sumSquares = 0;
    this.count = 0;
    this.peak = 0;
    this.frames = 0;
    return level;
  }
}
