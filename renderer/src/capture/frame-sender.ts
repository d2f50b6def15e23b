/**
 * Batches captured frames into 'recording.frames' requests: 5 frames (100 ms) per request keeps the
 * per-request cost low and each message ~35 KB even as JSON. Requests go one at a time so batches arrive in
 * order on every transport; a slow backend makes the queue grow, it never reorders or drops audio.
 *
 * Samples travel as plain number arrays: the page cannot tell whether window.verbatim is the Electron
 * preload (structured clone, where a Float32Array would be cheaper) or the dev bridge (JSON, where a
 * typed array would arrive as an object and be rejected). 16,000 numbers a second are cheap either way.
 */
import type { ApiError, ParamsOf, RecordingState, VerbatimApi } from '../../../main/api';

type RecordingChannel = ParamsOf<'recording.frames'>['channel'];
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
  /** The capture's seq at the first frame sent: each channel's stream starts at seq 0. */
  private baseSeq: number | null = null;
  private paused = false;
  private closed = false;
  private sentFrames = 0;

  /**
   * `timeBase` is shared by the meeting's senders: the first frame sent on any channel is t 0, and every
   * channel keeps its offset from it, so the backend can line the channels up by t.
   */
  constructor(
    private readonly api: VerbatimApi,
    private readonly sessionId: string,
    private readonly events: FrameSenderEvents,
    private readonly channel: RecordingChannel = 'mic',
    private readonly timeBase: { t: number | null } = { t: null },
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
    this.baseSeq ??= frame.seq;
    this.timeBase.t ??= frame.t;
    const t = Math.max(0, frame.t - this.timeBase.t);
    this.batch.push({ seq: frame.seq - this.baseSeq, t, samples: frame.samples });
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
        { sessionId: this.sessionId, channel: this.channel, frames },
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
