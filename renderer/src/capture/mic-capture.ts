/**
 * Microphone capture in the page: getUserMedia (browser processing off) -> 20 ms frames at 16 kHz.
 * Two engines, same frames:
 *  - MediaStreamTrackProcessor + our resampler (track-reader.ts), preferred: lost audio is detectable
 *    (see there for the measured reason);
 *  - an AudioWorklet in a 16 kHz AudioContext (worklet.ts), where the processor is not available.
 * Survives the device going away: the frame clock keeps counting (the outage becomes a reported gap, or
 * silence in the worklet engine) and the default device is tried again until one answers.
 *
 * Why the main window and not a hidden capture window (DESIGN.md "Processes"): a second window is
 * Electron shell wiring (main/app) outside this change, and the main window already has the contract.
 * The trade-off: reloading or crashing the UI stops capture (what reached the backend is safe on disk
 * and the meeting is closed as it stands); a hidden, never-reloaded capture window posting frames straight
 * to the backend over its own MessagePort is the follow-up.
 */
import workletUrl from './worklet.ts?worker&url';
import { WORKLET_PROCESSOR, type CapturedFrame, type WorkletCommand, type WorkletMessage } from './protocol';
import { FrameClock, readTrack, trackProcessorAvailable } from './track-reader';

export type { CapturedFrame };

export interface MicCaptureEvents {
  frame(frame: CapturedFrame): void;
  /** The track ended (unplugged, revoked). Capture goes on while a device is sought. */
  deviceLost(label: string): void;
  /** A device answers again after a loss. */
  deviceRestored(label: string): void;
  error(message: string): void;
}

const RATE = 16_000;
const RETRY_MS = 1500;

/** Raw microphone: browser processing would alter what is recorded (and the transcript after it). */
export function micConstraints(deviceId?: string): MediaStreamConstraints {
  return {
    audio: {
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
      channelCount: 1,
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    },
    video: false,
  };
}

interface Engine {
  attach(stream: MediaStream): void;
  detach(): void;
  /** A device came back after `outageMs` without one. */
  resumeAfter(outageMs: number): void;
  close(): Promise<void>;
}

export class MicCapture {
  private stream: MediaStream | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private lostAt = 0;
  private stopped = false;
  private trying = false;
  private engine!: Engine;

  private constructor(private readonly events: MicCaptureEvents) {}

  /**
   * Opens the device first, so a refused permission fails here, before any meeting exists.
   * `now` is the meeting's capture clock (ms): the first frame's t is when the device answered on it.
   */
  static async start(
    deviceId: string | undefined,
    events: MicCaptureEvents,
    now: () => number = () => 0,
  ): Promise<MicCapture> {
    const stream = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId));
    const capture = new MicCapture(events);
    try {
      capture.engine = trackProcessorAvailable()
        ? capture.processorEngine(Math.max(0, Math.round(now())))
        : await workletEngine(events);
      capture.attach(stream);
      return capture;
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw error;
    }
  }

  /** Whether a device is being read (false between an unplug and the default device answering). */
  get connected(): boolean {
    return this.stream !== null;
  }

  get deviceLabel(): string {
    return this.stream?.getAudioTracks()[0]?.label ?? '';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.detach();
    await this.engine.close();
  }

  private processorEngine(startMs: number): Engine {
    const clock = new FrameClock((f) => this.events.frame(f), startMs);
    let signal = { stopped: false };
    return {
      attach: (stream) => {
        const track = stream.getAudioTracks()[0];
        if (!track) return;
        signal = { stopped: false };
        const mine = signal;
        readTrack(track, clock, mine).then(
          () => {
            if (!mine.stopped) this.lost(track.label);
          },
          (e: unknown) => {
            if (mine.stopped) return;
            this.events.error(`Reading the microphone failed: ${String(e)}`);
            this.lost(track.label);
          },
        );
      },
      detach: () => {
        signal.stopped = true;
      },
      resumeAfter: (outageMs) => clock.skip(outageMs),
      close: async () => {
        signal.stopped = true;
      },
    };
  }

  private attach(stream: MediaStream): void {
    this.stream = stream;
    this.engine.attach(stream);
    const track = stream.getAudioTracks()[0];
    track?.addEventListener('ended', () => this.lost(track.label), { once: true });
  }

  private detach(): void {
    this.engine?.detach();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
  }

  private lost(label: string): void {
    if (this.stopped || !this.stream) return;
    this.detach();
    this.lostAt = performance.now();
    this.events.deviceLost(label);
    this.scheduleRetry();
  }

  /**
   * The device list changed (navigator.mediaDevices 'devicechange'): while a device is sought, try the
   * default at once instead of waiting for the next retry; while recording, a device that left the list
   * is lost even if its track has not (yet) ended.
   */
  devicesChanged(inputs: readonly Pick<MediaDeviceInfo, 'deviceId'>[]): void {
    if (this.stopped) return;
    if (!this.stream) {
      if (this.retry) {
        clearTimeout(this.retry);
        this.retry = null;
        this.tryDefault();
      }
      return;
    }
    const track = this.stream.getAudioTracks()[0];
    const id = track?.getSettings?.().deviceId;
    // An empty list is a device list without permission, not proof that every device is gone.
    if (track && id && inputs.length > 0 && !inputs.some((d) => d.deviceId === id)) this.lost(track.label);
  }

  /** Falls back to the system default device: the chosen one is gone, the meeting goes on. */
  private scheduleRetry(): void {
    this.retry = setTimeout(() => {
      this.retry = null;
      this.tryDefault();
    }, RETRY_MS);
  }

  private tryDefault(): void {
    if (this.stopped || this.trying) return;
    this.trying = true;
    navigator.mediaDevices.getUserMedia(micConstraints()).then(
      (stream) => {
        this.trying = false;
        if (this.stopped) {
          for (const track of stream.getTracks()) track.stop();
          return;
        }
        this.engine.resumeAfter(performance.now() - this.lostAt);
        this.attach(stream);
        this.events.deviceRestored(this.deviceLabel);
      },
      () => {
        this.trying = false;
        if (!this.stopped && !this.retry) this.scheduleRetry();
      },
    );
  }
}

/** The AudioWorklet engine: its clock never stops (no input = silence), so an outage needs no skip. */
async function workletEngine(events: MicCaptureEvents): Promise<Engine> {
  const context = new AudioContext({ sampleRate: RATE, latencyHint: 'playback' });
  try {
    await context.audioWorklet.addModule(workletUrl);
    const node = new AudioWorkletNode(context, WORKLET_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    // Pulled by the destination through a muted gain: the node must be rendered, never heard.
    const mute = context.createGain();
    mute.gain.value = 0;
    node.connect(mute).connect(context.destination);
    node.port.onmessage = (e: MessageEvent<WorkletMessage>) => {
      const m = e.data;
      if (m.kind === 'frame') events.frame({ seq: m.seq, t: m.t, samples: m.samples });
      else events.error(m.message);
    };
    await context.resume();
    let source: MediaStreamAudioSourceNode | null = null;
    return {
      attach: (stream) => {
        source = context.createMediaStreamSource(stream);
        source.connect(node);
      },
      detach: () => {
        source?.disconnect();
        source = null;
      },
      resumeAfter: () => undefined,
      close: async () => {
        node.port.postMessage({ kind: 'stop' } satisfies WorkletCommand);
        await context.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

export async function listMicrophones(): Promise<MediaDeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'audioinput');
}
