/**
 * Batches captured frames into 'recording.frames' requests: 5 frames (100 ms) per request keeps the
 * per-request cost low and each message ~35 KB even as JSON. Requests go one at a time so batches arrive in
 * order on every transport; a slow backend makes the queue grow, it never reorders or drops audio.
 *
 * Samples travel as plain number arrays: the page cannot tell whether window.verbatim is the Electron
 * preload (structured clone, where a Float32Array would be cheaper) or the dev bridge (JSON, where a
 * typed array would arrive as an object and be rejected). 16,000 numbers a second are cheap either way.
 */
import type { ApiError, RecordingState, VerbatimApi } from '../../../main/api';
import type { CapturedFrame } from './mic-capture';

export const FRAMES_PER_BATCH = 5;

export interface FrameSenderEvents {
  /** A batch was refused (the session is gone, a disk error): shown to the user. */
  failed(error: ApiError): void;
  /** The backend reports the session is no longer recording (auto-stop, stopped elsewhere). */
  ended(state: RecordingState): void;
}

export class FrameSender {
  private batch: CapturedFrame[] = [];
  private chain: Promise<void> = Promise.resolve();
  /** The capture's seq/t at the first frame sent: the session's stream starts at seq 0, t 0. */
  private base: { seq: number; t: number } | null = null;
  private paused = false;
  private closed = false;
  private sentFrames = 0;

  constructor(
    private readonly api: VerbatimApi,
    private readonly sessionId: string,
    private readonly events: FrameSenderEvents,
  ) {}

  /** Frames recorded so far (paused time excluded): the elapsed time the page shows. */
  get framesSent(): number {
    return this.sentFrames;
  }

  /**
   * While paused nothing is sent (the backend would drop it); on resume the backend restarts its gap
   * detection, so the jump in seq is not reported as lost audio.
   */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (paused) this.batch = [];
  }

  push(frame: CapturedFrame): void {
    if (this.closed || this.paused) return;
    this.base ??= { seq: frame.seq, t: frame.t };
    this.batch.push({ seq: frame.seq - this.base.seq, t: frame.t - this.base.t, samples: frame.samples });
    if (this.batch.length >= FRAMES_PER_BATCH) this.send();
  }

  /** Sends what is buffered and waits for every request: call before 'recording.stop'. */
  async close(): Promise<void> {
    if (this.batch.length) this.send();
    this.closed = true;
    await this.chain;
  }

  private send(): void {
    const frames = this.batch.map((f) => ({ seq: f.seq, t: f.t, samples: Array.from(f.samples) }));
    this.batch = [];
    this.chain = this.chain.then(async () => {
      if (this.closed && frames.length === 0) return;
      const result = await this.api.invoke(
        'recording.frames',
        { sessionId: this.sessionId, channel: 'mic', frames },
        { timeoutMs: 30_000 },
      );
      if (!result.ok) {
        this.events.failed(result.error);
        return;
      }
      this.sentFrames += result.value.accepted;
      if (result.value.state !== 'recording' && result.value.state !== 'paused') {
        this.closed = true;
        this.events.ended(result.value.state);
      }
    });
  }
}
