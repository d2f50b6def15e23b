/**
 * One meeting's recording: a ChannelRecorder per channel in the meeting's audio folder (`mic.wav`,
 * `system.wav`), pause/resume applied to both at once, and compaction of both at the end. A channel's
 * file is created on its first frame, so a meeting without system audio has no empty system file.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CompactionResult } from './compact';
import { compactRecording } from './compact';
import { FRAME_MS, type AudioChannel, type AudioFrame } from './frames';
import type { RecordingSummary } from './recorder';
import { ChannelRecorder } from './recorder';

export interface MeetingRecorderOptions {
  dir: string;
  flushIntervalMs?: number;
  onError?: (channel: AudioChannel, error: Error) => void;
}

export class MeetingRecorder {
  private readonly recorders = new Map<AudioChannel, Promise<ChannelRecorder>>();
  private pausedAt: number | null = null;
  private queue: Promise<void> = Promise.resolve();
  /**
   * File time of the meeting: capture time since the first frame of any channel, less the capture time
   * spent paused (measured from the last frame before a pause to the first one after it, since the
   * capture side sends nothing while paused).
   */
  private originT: number | null = null;
  private pausedMs = 0;
  private lastEnd: number | null = null;
  private resumed = false;

  constructor(private readonly options: MeetingRecorderOptions) {}

  static pathFor(dir: string, channel: AudioChannel): string {
    return join(dir, `${channel}.wav`);
  }

  get paused(): boolean {
    return this.pausedAt !== null;
  }

  /**
   * Frames, pauses and resumes are applied strictly in call order (one queue), so a pause called after
   * a frame never drops that frame while the channel's file is still being created.
   */
  append(frame: AudioFrame): Promise<void> {
    return this.enqueue(async () => {
      const r = await this.recorderFor(frame.channel);
      // A channel that starts while paused learns about the pause here.
      if (this.pausedAt !== null && !r.paused) r.pause(this.pausedAt);
      if (this.pausedAt === null) {
        const fileMs = this.advanceClock(frame.t);
        // A channel whose first recorded frame comes late begins with silence up to that frame's file time.
        if (r.framesAccepted === 0) r.padStart(Math.floor(fileMs / FRAME_MS));
      }
      r.append(frame);
    });
  }

  pause(t: number): Promise<void> {
    return this.enqueue(async () => {
      this.pausedAt = t;
      for (const r of this.recorders.values()) (await r).pause(t);
    });
  }

  resume(t: number): Promise<void> {
    return this.enqueue(async () => {
      this.pausedAt = null;
      this.resumed = true;
      for (const r of this.recorders.values()) (await r).resume(t);
    });
  }

  async close(): Promise<RecordingSummary[]> {
    await this.queue;
    const summaries: RecordingSummary[] = [];
    for (const r of this.recorders.values()) summaries.push(await (await r).close());
    return summaries;
  }

  /** After close(): compacts every channel; a failed channel keeps its WAV and is reported, not thrown. */
  async compact(): Promise<Array<CompactionResult | { wavPath: string; error: string }>> {
    const results: Array<CompactionResult | { wavPath: string; error: string }> = [];
    for (const channel of this.recorders.keys()) {
      const wavPath = MeetingRecorder.pathFor(this.options.dir, channel);
      results.push(await compactRecording(wavPath).catch((e: Error) => ({ wavPath, error: e.message })));
    }
    return results;
  }

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Takes a recorded frame's capture time; returns its file time (ms). */
  private advanceClock(t: number): number {
    this.originT ??= t;
    if (this.resumed) {
      this.resumed = false;
      if (this.lastEnd !== null) this.pausedMs += Math.max(0, t - this.lastEnd);
    }
    this.lastEnd = Math.max(this.lastEnd ?? -Infinity, t + FRAME_MS);
    return t - this.originT - this.pausedMs;
  }

  private recorderFor(channel: AudioChannel): Promise<ChannelRecorder> {
    let r = this.recorders.get(channel);
    if (!r) {
      r = mkdir(this.options.dir, { recursive: true }).then(() =>
        ChannelRecorder.create({
          path: MeetingRecorder.pathFor(this.options.dir, channel),
          flushIntervalMs: this.options.flushIntervalMs,
          onError: (e) => this.options.onError?.(channel, e),
        }),
      );
      this.recorders.set(channel, r);
    }
    return r;
  }
}
