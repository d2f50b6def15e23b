/**
 * Stops a forgotten recording (issue 4): when neither channel has had speech-level energy for `afterMs`
 * (default 15 minutes) the session should end. Pure: fed with Level windows and pause/resume calls.
 */
import type { Level } from './level';

export const DEFAULT_AUTO_STOP_MS = 15 * 60_000;

export interface AutoStopOptions {
  afterMs?: number;
  /** RMS level at or above which a window counts as activity (room noise sits well below). */
  activityDbfs?: number;
}

export class AutoStop {
  readonly afterMs: number;
  private readonly activityDbfs: number;
  private lastActivityT: number | null = null;
  private paused = false;
  private fired = false;

  constructor(options: AutoStopOptions = {}) {
    this.afterMs = options.afterMs ?? DEFAULT_AUTO_STOP_MS;
    this.activityDbfs = options.activityDbfs ?? -50;
    if (!(this.afterMs > 0)) throw new Error(`auto-stop: afterMs must be positive, got ${this.afterMs}`);
  }

  /** Returns true exactly once: at the window that completes `afterMs` of silence on both channels. */
  push(level: Level): boolean {
    if (this.paused || this.fired) return false;
    // The first window starts the clock: a meeting that never has speech still stops.
    this.lastActivityT ??= level.t;
    if (level.rmsDbfs >= this.activityDbfs) {
      this.lastActivityT = Math.max(this.lastActivityT, level.t);
      return false;
    }
    if (level.t - this.lastActivityT < this.afterMs) return false;
    this.fired = true;
    return true;
  }

  /** Paused time is not silence the user forgot about: the clock restarts at resume. */
  pause(): void {
    this.paused = true;
  }

  resume(t: number): void {
    this.paused = false;
    this.lastActivityT = t;
  }

  silentForMs(t: number): number {
    return this.lastActivityT === null ? 0 : Math.max(0, t - this.lastActivityT);
  }
}
