/**
 * Time left for a job, from the speed measured since it (re)started: audio ms processed per wall ms. The
 * first second is not trusted (model warm-up, the decoder's first block), so there is no estimate yet.
 */
export class EtaEstimator {
  private startWall: number | null = null;
  private startAudio = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly warmupMs = 1000,
  ) {}

  /** Marks where measuring starts (resumed jobs skip audio quickly: that must not count as speed). */
  begin(processedMs: number): void {
    this.startWall = this.now();
    this.startAudio = processedMs;
  }

  /** ms left, or null while there is nothing to estimate from. */
  estimate(processedMs: number, totalMs: number): number | null {
    if (this.startWall === null) return null;
    const wall = this.now() - this.startWall;
    const audio = processedMs - this.startAudio;
    if (wall < this.warmupMs || audio <= 0) return null;
    return Math.max(0, Math.round(((totalMs - processedMs) * wall) / audio));
  }
}
