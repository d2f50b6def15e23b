/**
 * One recording session (issue 4, record-only): frames in, crash-safe files out. Every frame goes
 * through the gap detector (sequence jumps are warned about; the recorder fills them with silence so
 * file time stays capture time), the level meter (level events), the silent-source watchdog (one warning
 * per silent episode) and auto-stop. The session never touches the store: its owner (the handler) does.
 */
import { randomUUID } from 'node:crypto';
import type {
  RecordingMode,
  RecordingSession as SessionInfo,
  RecordingState,
  RecordingWarningKind,
} from '../../api';
import { AutoStop } from '../../audio/auto-stop';
import type { AudioChannel, AudioFrame } from '../../audio/frames';
import { FRAME_MS, GapDetector } from '../../audio/frames';
import { LevelMeter } from '../../audio/level';
import { MeetingRecorder } from '../../audio/meeting-recorder';
import type { RecordingSummary } from '../../audio/recorder';
import { SilenceWatchdog } from '../../audio/watchdog';

export interface SessionEvents {
  level(channel: AudioChannel, rmsDb: number, peakDb: number): void;
  warning(channel: AudioChannel, kind: RecordingWarningKind, message: string): void;
  /** Auto-stop fired: the owner stops the session (it also has to close the meeting). */
  autoStop(): void;
  /** Writing failed (disk full, ...): the owner stops the session. */
  failed(error: Error): void;
  /** Each frame handed to the recorder (not paused, not duplicate), in order: the live pipeline's feed. */
  recorded?(frame: AudioFrame): void;
}

export interface SessionOptions {
  meetingId: number;
  title: string;
  audioDir: string;
  mode?: RecordingMode;
  autoStopMs?: number;
  silentSourceMs?: number;
  flushIntervalMs?: number;
  events: SessionEvents;
}

const spoken = (ms: number) =>
  ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;

const channelName = (c: AudioChannel) => (c === 'mic' ? 'microphone' : 'system audio');

export class RecordingSession {
  readonly sessionId = randomUUID();
  readonly meetingId: number;
  readonly title: string;
  readonly audioDir: string;
  readonly startedAt = Date.now();
  state: RecordingState = 'recording';
  /** 'live' while the pipeline transcribes; the owner turns it to 'record-only' when it cannot. */
  mode: RecordingMode;
  private readonly recorder: MeetingRecorder;
  private readonly gaps = new GapDetector();
  private readonly meters = new Map<AudioChannel, LevelMeter>();
  private readonly watchdog: SilenceWatchdog;
  private readonly autoStop: AutoStop;
  private readonly events: SessionEvents;
  private readonly recordedFrames = { mic: 0, system: 0 };
  /** End (capture ms) of the newest frame seen: pause/resume have no clock of their own. */
  private lastT = 0;
  /** After a resume each channel's next frame restarts gap detection: paused frames are not lost frames. */
  private readonly resync = new Set<AudioChannel>();
  private failure: Error | null = null;

  constructor(options: SessionOptions) {
    this.meetingId = options.meetingId;
    this.title = options.title;
    this.audioDir = options.audioDir;
    this.mode = options.mode ?? 'record-only';
    this.events = options.events;
    this.watchdog = new SilenceWatchdog(
      options.silentSourceMs === undefined ? {} : { afterMs: options.silentSourceMs },
    );
    this.autoStop = new AutoStop(options.autoStopMs === undefined ? {} : { afterMs: options.autoStopMs });
    this.recorder = new MeetingRecorder({
      dir: options.audioDir,
      ...(options.flushIntervalMs === undefined ? {} : { flushIntervalMs: options.flushIntervalMs }),
      onError: (_channel, error) => this.fail(error),
    });
  }

  get active(): boolean {
    return this.state === 'recording' || this.state === 'paused';
  }

  /**
   * Frames of one channel, in order. Resolves, with how many were recorded (not paused, not duplicate),
   * once the recorder has accepted them (buffered, synced within its flush interval).
   */
  async push(
    channel: AudioChannel,
    frames: ReadonlyArray<{ seq: number; t: number; samples: Float32Array }>,
  ): Promise<number> {
    if (this.failure) throw this.failure;
    const appends: Promise<void>[] = [];
    for (const f of frames) {
      const frame: AudioFrame = { channel, seq: f.seq, t: f.t, epochMs: this.startedAt, samples: f.samples };
      this.lastT = Math.max(this.lastT, f.t + FRAME_MS);
      if (this.resync.delete(channel)) this.gaps.resetTo(channel, f.seq);
      const gap = this.gaps.push(frame);
      if (gap?.kind === 'gap') {
        this.events.warning(
          channel,
          'gap',
          `${gap.count * FRAME_MS} ms of ${channelName(channel)} audio were lost in transit; the recording has silence there.`,
        );
      }
      if (gap?.kind === 'duplicate' || this.state !== 'recording') continue;
      this.recordedFrames[channel]++;
      appends.push(this.recorder.append(frame));
      this.events.recorded?.(frame);
      this.meter(frame);
    }
    await Promise.all(appends);
    return appends.length;
  }

  async pause(): Promise<void> {
    if (this.state !== 'recording') return;
    this.state = 'paused';
    this.autoStop.pause();
    await this.recorder.pause(this.lastT);
  }

  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    this.state = 'recording';
    this.resync.add('mic').add('system');
    this.autoStop.resume(this.lastT);
    await this.recorder.resume(this.lastT);
  }

  /** Closes the files (no compaction): what is on disk is then complete and playable. */
  async close(): Promise<RecordingSummary[]> {
    this.state = 'finalizing';
    return this.recorder.close();
  }

  compact() {
    return this.recorder.compact();
  }

  info(): SessionInfo {
    const report = this.gaps.report();
    return {
      sessionId: this.sessionId,
      meetingId: this.meetingId,
      title: this.title,
      mode: this.mode,
      state: this.state,
      startedAt: this.startedAt,
      recordedMs: Math.max(this.recordedFrames.mic, this.recordedFrames.system) * FRAME_MS,
      frames: { ...this.recordedFrames },
      missingFrames: { mic: report.mic?.missing ?? 0, system: report.system?.missing ?? 0 },
    };
  }

  private meter(frame: AudioFrame): void {
    let meter = this.meters.get(frame.channel);
    if (!meter) this.meters.set(frame.channel, (meter = new LevelMeter(100)));
    const level = meter.push(frame);
    if (!level) return;
    this.events.level(level.channel, level.rmsDbfs, level.peakDbfs);
    const silence = this.watchdog.push(level);
    if (silence?.silent) {
      this.events.warning(
        silence.channel,
        'silent-source',
        `The ${channelName(silence.channel)} has delivered only digital silence for ${Math.round(silence.forMs / 1000)} s while the other side is speaking: check the device or its permission.`,
      );
    }
    if (this.autoStop.push(level)) {
      this.events.warning(
        level.channel,
        'auto-stop',
        `No speech for ${spoken(this.autoStop.afterMs)}: the recording was stopped automatically.`,
      );
      this.events.autoStop();
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.events.failed(error);
  }
}
