/**
 * A fake media stack for jsdom (which has none): MediaDevices with plug/unplug, MediaStreamTracks that
 * deliver 10 ms AudioData chunks at 48 kHz only when the test says so, and a MediaStreamTrackProcessor
 * that reads them. Timing is the test's: `now` drives performance.now(), chunks carry their own
 * timestamps, so a capture outage of any length can be simulated in a few milliseconds.
 */
import { vi } from 'vitest';

const RATE = 48_000;
const CHUNK = 480; // 10 ms

export interface FakeDevice {
  deviceId: string;
  label: string;
}

interface AudioDataLike {
  sampleRate: number;
  numberOfFrames: number;
  numberOfChannels: number;
  timestamp: number;
  copyTo(dest: Float32Array): void;
  close(): void;
}

export class FakeTrack extends EventTarget {
  readonly kind: 'audio' | 'video';
  readyState: 'live' | 'ended' = 'live';
  readonly readable: ReadableStream<AudioDataLike>;
  private controller!: ReadableStreamDefaultController<AudioDataLike>;
  /** Microseconds of audio delivered so far (the chunk timestamps). */
  private us = 0;

  constructor(
    kind: 'audio' | 'video',
    readonly label: string,
    readonly deviceId: string,
  ) {
    super();
    this.kind = kind;
    this.readable = new ReadableStream<AudioDataLike>({ start: (c) => void (this.controller = c) });
  }

  getSettings() {
    return { deviceId: this.deviceId };
  }

  /** Delivers `ms` of a tone (10 ms chunks). */
  play(ms: number, amplitude = 0.3): void {
    if (this.readyState !== 'live') return;
    for (let i = 0; i < ms / 10; i++) {
      const start = Math.round((this.us * RATE) / 1e6);
      const samples = Float32Array.from(
        { length: CHUNK },
        (_, k) => amplitude * Math.sin((2 * Math.PI * 440 * (start + k)) / RATE),
      );
      this.controller.enqueue({
        sampleRate: RATE,
        numberOfFrames: CHUNK,
        numberOfChannels: 1,
        timestamp: this.us,
        copyTo: (dest) => dest.set(samples),
        close: () => undefined,
      });
      this.us += 10_000;
    }
  }

  stop(): void {
    if (this.readyState === 'ended') return;
    this.readyState = 'ended';
    try {
      this.controller.close();
    } catch {
      // already closed
    }
  }

  /** What the OS does on unplug: the track ends and says so. */
  unplug(): void {
    this.stop();
    this.dispatchEvent(new Event('ended'));
  }
}

export class FakeStream {
  constructor(readonly tracks: FakeTrack[]) {}
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

export interface FakeMedia {
  devices: FakeDevice[];
  /** Audio outputs as enumerateDevices lists them ('default' = the system's current output). */
  outputs: { deviceId: string; label: string }[];
  /** Every microphone track opened, in order. */
  micTracks: FakeTrack[];
  /** Every system-audio (display) track opened, in order. */
  systemTracks: FakeTrack[];
  videoTracks: FakeTrack[];
  getUserMedia: ReturnType<typeof vi.fn>;
  getDisplayMedia: ReturnType<typeof vi.fn> | undefined;
  /** Makes the next getDisplayMedia fail with this DOMException name. */
  failDisplay(name: string | null): void;
  /** Display media without an audio track (no loopback on this OS). */
  displayWithoutAudio(yes: boolean): void;
  unplug(deviceId: string): void;
  plug(device: FakeDevice): void;
  now: { ms: number };
  restore(): void;
}

export function installFakeMedia(
  options: { devices?: FakeDevice[]; displayMedia?: boolean; trackProcessor?: boolean } = {},
): FakeMedia {
  const events = new EventTarget();
  let displayError: string | null = null;
  let noAudio = false;
  const now = { ms: 1000 };
  const media: FakeMedia = {
    outputs: [],
    devices: options.devices ?? [
      { deviceId: 'default', label: 'Default' },
      { deviceId: 'usb', label: 'USB headset' },
      { deviceId: 'builtin', label: 'Built-in microphone' },
    ],
    micTracks: [],
    systemTracks: [],
    videoTracks: [],
    getUserMedia: vi.fn(async (constraints: { audio: { deviceId?: { exact: string } } }) => {
      const wanted = constraints.audio.deviceId?.exact;
      const device = wanted
        ? media.devices.find((d) => d.deviceId === wanted)
        : (media.devices.find((d) => d.deviceId === 'default') ?? media.devices[0]);
      if (!device) throw new DOMException('Requested device not found', 'NotFoundError');
      const track = new FakeTrack('audio', device.label, device.deviceId);
      media.micTracks.push(track);
      return new FakeStream([track]);
    }),
    getDisplayMedia:
      options.displayMedia === false
        ? undefined
        : vi.fn(async () => {
            if (displayError) throw new DOMException('refused', displayError);
            const video = new FakeTrack('video', 'screen:0', 'screen');
            media.videoTracks.push(video);
            if (noAudio) return new FakeStream([video]);
            const audio = new FakeTrack('audio', 'System audio', 'loopback');
            media.systemTracks.push(audio);
            return new FakeStream([video, audio]);
          }),
    failDisplay: (name) => void (displayError = name),
    displayWithoutAudio: (yes) => void (noAudio = yes),
    unplug(deviceId) {
      media.devices = media.devices.filter((d) => d.deviceId !== deviceId);
      events.dispatchEvent(new Event('devicechange'));
    },
    plug(device) {
      media.devices = [...media.devices, device];
      events.dispatchEvent(new Event('devicechange'));
    },
    now,
    restore: () => undefined,
  };

  const mediaDevices = {
    getUserMedia: media.getUserMedia,
    getDisplayMedia: media.getDisplayMedia,
    enumerateDevices: async () => [
      ...media.devices.map((d) => ({
        kind: 'audioinput',
        deviceId: d.deviceId,
        label: d.label,
        groupId: '',
      })),
      ...media.outputs.map((d) => ({
        kind: 'audiooutput',
        deviceId: d.deviceId,
        label: d.label,
        groupId: '',
      })),
    ],
    addEventListener: (type: string, listener: EventListener) => events.addEventListener(type, listener),
    removeEventListener: (type: string, listener: EventListener) =>
      events.removeEventListener(type, listener),
  };
  Object.defineProperty(navigator, 'mediaDevices', { value: mediaDevices, configurable: true });
  const g = globalThis as Record<string, unknown>;
  if (options.trackProcessor !== false) {
    g.MediaStreamTrackProcessor = class {
      readonly readable: ReadableStream<AudioDataLike>;
      constructor(init: { track: FakeTrack }) {
        this.readable = init.track.readable;
      }
    };
  }
  const nowSpy = vi.spyOn(performance, 'now').mockImplementation(() => now.ms);
  media.restore = () => {
    nowSpy.mockRestore();
    delete g.MediaStreamTrackProcessor;
    Reflect.deleteProperty(navigator, 'mediaDevices');
  };
  return media;
}

/** Lets promise chains (track reads, batches, invokes) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
