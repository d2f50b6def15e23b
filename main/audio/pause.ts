/**
 * Pause/resume bookkeeping for one recording: paused capture time is not recorded, while capture
 * timestamps keep running. The segment list maps positions in the recorded file back to capture time,
 * so a transcript timestamp (capture time) can seek the audio player (file time) and vice versa.
 */

export interface RecordedSegment {
  /** Capture time (ms) at which this stretch of recording began. */
  startT: number;
  /** Capture time it ended (null while it is still running). */
  endT: number | null;
  /** Position (ms) in the recorded file where this stretch begins. */
  fileMs: number;
}

export class PauseLog {
  private readonly segments: RecordedSegment[] = [];
  private pausedAt: number | null = null;

  constructor(startT = 0) {
    this.segments.push({ startT, endT: null, fileMs: 0 });
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  pause(t: number): void {
    if (this.pausedAt !== null) return;
    const seg = this.segments.at(-1)!;
    if (t < seg.startT) throw new Error(`pause at ${t} ms is before the segment start ${seg.startT} ms`);
    seg.endT = t;
    this.pausedAt = t;
  }

  resume(t: number): void {
    if (this.pausedAt === null) return;
    if (t < this.pausedAt) throw new Error(`resume at ${t} ms is before the pause at ${this.pausedAt} ms`);
    const last = this.segments.at(-1)!;
    this.segments.push({ startT: t, endT: null, fileMs: last.fileMs + (last.endT! - last.startT) });
    this.pausedAt = null;
  }

  /** Whether audio captured at time t belongs in the recording. */
  records(t: number): boolean {
    const seg = this.segments.at(-1)!;
    return this.pausedAt === null ? t >= seg.startT : false;
  }

  /** Total paused time up to capture time t. */
  pausedMs(t: number): number {
    let total = 0;
    for (let i = 1; i < this.segments.length; i++) {
      const gapStart = this.segments[i - 1]!.endT!;
      total += Math.min(t, this.segments[i]!.startT) - Math.min(t, gapStart);
    }
    if (this.pausedAt !== null && t > this.pausedAt) total += t - this.pausedAt;
    return total;
  }

  /** File position (ms) for a capture time; a time inside a pause maps to where the pause sits in the file. */
  fileMsAt(t: number): number {
    let result = 0;
    for (const seg of this.segments) {
      if (t < seg.startT) break;
      const end = seg.endT ?? Infinity;
      result = seg.fileMs + Math.min(t, end) - seg.startT;
    }
    return result;
  }

  /** Capture time for a file position. */
  captureTAt(fileMs: number): number {
    let result = this.segments[0]!.startT;
    for (const seg of this.segments) {
      if (fileMs < seg.fileMs) break;
      result = seg.startT + (fileMs - seg.fileMs);
    }
    return result;
  }

  toJSON(): RecordedSegment[] {
    return this.segments.map((s) => ({ ...s }));
  }
}
