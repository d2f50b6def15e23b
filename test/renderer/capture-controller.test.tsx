/**
 * The page's recording controller against a fake media stack (capture-fakes.ts) and a contract-checking
 * backend (capture-backend.ts): the mode and settings reach recording.start, system audio flows on its
 * own channel (or the state says why not), and an unplugged microphone neither stops the meeting nor the
 * system channel, and comes back on the default device with the outage as a seq jump.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingController } from '../../renderer/src/capture/controller';
import { startRecordingBackend, type RecordingBackend } from './capture-backend';
import { installFakeMedia, settle, type FakeMedia } from './capture-fakes';

let media: FakeMedia | null = null;
let backend: RecordingBackend | null = null;

afterEach(() => {
  media?.restore();
  backend?.close();
  media = null;
  backend = null;
});

async function setup(settings: Parameters<typeof startRecordingBackend>[0] = {}, mediaOptions = {}) {
  media = installFakeMedia(mediaOptions);
  backend = startRecordingBackend(settings);
  const controller = new RecordingController(backend.api);
  await settle();
  return { media, backend, controller };
}

const seqs = (frames: { seq: number }[]) => frames.map((f) => f.seq);
const consecutive = (frames: { seq: number }[]) => frames.every((f, i) => f.seq === i);

describe('recording controller: start', () => {
  it("starts 'live' by default, with the title and the auto-stop setting", async () => {
    const { backend, controller } = await setup({ autoStopMinutes: 7, captureSystemAudio: false });
    await controller.start({ title: '  Weekly sync ' });
    expect(backend.starts).toEqual([{ mode: 'live', title: 'Weekly sync', autoStopMs: 7 * 60_000 }]);
    expect(controller.getSnapshot()).toMatchObject({ phase: 'recording', mode: 'live', meetingId: 41 });
    expect(controller.getSnapshot().systemAudio.status).toBe('off');
    await controller.stop();
  });

  it('turns echo cancellation off for the meeting when the default output is headphones, and says so', async () => {
    const { media, backend, controller } = await setup({ captureSystemAudio: false });
    media.outputs = [
      { deviceId: 'default', label: 'Default - Jabra Evolve2 Headset' },
      { deviceId: 'spk', label: 'Built-in Speakers' },
    ];
    await controller.start();
    expect(backend.starts[0]).toMatchObject({ mode: 'live', echoCancellation: false });
    expect(controller.getSnapshot().warnings.map((w) => [w.kind, w.message])).toEqual([
      [
        'headphones',
        'Jabra Evolve2 Headset looks like headphones: echo cancellation is off for this meeting.',
      ],
    ]);
    await controller.stop();

    // Speakers: the setting applies (no override sent).
    media.outputs = [{ deviceId: 'default', label: 'Default - Built-in Speakers' }];
    await controller.start();
    expect(backend.starts[1]).not.toHaveProperty('echoCancellation');
    await controller.stop();
  });

  it('leaves echo cancellation off when the user turned it off, headphones or not', async () => {
    const { media, backend, controller } = await setup({
      captureSystemAudio: false,
      echoCancellation: false,
    });
    media.outputs = [{ deviceId: 'default', label: 'Default - AirPods Pro' }];
    await controller.start();
    expect(backend.starts[0]).not.toHaveProperty('echoCancellation');
    expect(controller.getSnapshot().warnings).toEqual([]);
    await controller.stop();
  });

  it("asks for 'record-only' when told to", async () => {
    const { backend, controller } = await setup({ captureSystemAudio: false });
    await controller.start({ mode: 'record-only' });
    expect(backend.starts[0]).toMatchObject({ mode: 'record-only' });
    expect(controller.getSnapshot().mode).toBe('record-only');
    await controller.stop();
  });

  it('opens the microphone chosen in the settings, and follows a change of the setting', async () => {
    const { media, backend, controller } = await setup({ micDeviceId: 'usb', captureSystemAudio: false });
    expect(controller.getSnapshot().deviceId).toBe('usb');
    await controller.start();
    expect(media.getUserMedia.mock.calls[0]![0].audio).toMatchObject({
      deviceId: { exact: 'usb' },
      echoCancellation: false,
      noiseSuppression: false,
      autoGainControl: false,
    });
    expect(controller.getSnapshot().micLabel).toBe('USB headset');
    await controller.stop();

    await backend.api.invoke('settings.set', { micDeviceId: 'builtin' });
    await settle();
    expect(controller.getSnapshot().deviceId).toBe('builtin');
    // The page's own picker writes the setting too.
    controller.setDeviceId('');
    await settle();
    expect(backend.settings.micDeviceId).toBeNull();
  });
});

describe('recording controller: system audio', () => {
  it("records the display-media audio on the 'system' channel next to the microphone", async () => {
    const { media, backend, controller } = await setup({ captureSystemAudio: true });
    media.now.ms = 1000;
    const starting = controller.start();
    // Requested at once, in the click's user activation, with audio and (Chromium needs it) video.
    expect(media.getDisplayMedia).toHaveBeenCalledTimes(1);
    expect(media.getDisplayMedia!.mock.calls[0]![0]).toMatchObject({ video: true, audio: expect.anything() });
    await starting;
    expect(controller.getSnapshot().systemAudio).toEqual({ status: 'on', message: null });
    // The screen is never read.
    expect(media.videoTracks[0]!.readyState).toBe('ended');

    const mic = media.micTracks[0]!;
    const system = media.systemTracks[0]!;
    mic.play(400);
    system.play(400, 0.05);
    await settle();
    expect(backend.frames.mic.length).toBeGreaterThanOrEqual(15);
    expect(backend.frames.system.length).toBeGreaterThanOrEqual(15);
    // Each channel's stream starts at seq 0 and has no holes; the channels are told apart by level.
    expect(consecutive(backend.frames.mic)).toBe(true);
    expect(consecutive(backend.frames.system)).toBe(true);
    const level = (frames: { rms: number }[]) => frames.at(-1)!.rms;
    expect(level(backend.frames.mic)).toBeGreaterThan(level(backend.frames.system) * 3);
    // t is on one clock for both channels: 20 ms steps from each channel's start.
    expect(backend.frames.system[5]!.t - backend.frames.system[0]!.t).toBe(100);
    await controller.stop();
    expect(controller.getSnapshot().phase).toBe('done');
    expect(system.readyState).toBe('ended');
  });

  it.each([
    [
      'refused by the user or the OS',
      (m: FakeMedia) => m.failDisplay('NotAllowedError'),
      'refused',
      /refused/,
    ],
    [
      'without loopback audio on this OS',
      (m: FakeMedia) => m.displayWithoutAudio(true),
      'unsupported',
      /No system audio/,
    ],
    ['failing to start', (m: FakeMedia) => m.failDisplay('AbortError'), 'error', /could not start/],
  ] as const)(
    'records the microphone alone when system audio is %s, and says why',
    async (_name, fail, status, message) => {
      const { media, backend, controller } = await setup({ captureSystemAudio: true });
      fail(media);
      await controller.start();
      const snapshot = controller.getSnapshot();
      expect(snapshot.phase).toBe('recording');
      expect(snapshot.systemAudio.status).toBe(status);
      expect(snapshot.systemAudio.message).toMatch(message);
      expect(snapshot.systemAudio.message).toMatch(/microphone only/);
      media.micTracks[0]!.play(200);
      await settle();
      expect(backend.frames.mic.length).toBeGreaterThan(0);
      expect(backend.frames.system).toEqual([]);
      await controller.stop();
    },
  );

  it('says the system cannot share audio where getDisplayMedia does not exist', async () => {
    const { controller } = await setup({ captureSystemAudio: true }, { displayMedia: false });
    await controller.start();
    expect(controller.getSnapshot().systemAudio.status).toBe('unsupported');
    expect(controller.getSnapshot().phase).toBe('recording');
    await controller.stop();
  });

  it('keeps the microphone when the system audio ends mid-meeting', async () => {
    const { media, backend, controller } = await setup({ captureSystemAudio: true });
    await controller.start();
    media.systemTracks[0]!.unplug();
    await settle();
    const snapshot = controller.getSnapshot();
    expect(snapshot.systemAudio.status).toBe('ended');
    expect(snapshot.warnings.map((w) => w.kind)).toContain('system-ended');
    expect(snapshot.phase).toBe('recording');
    media.micTracks[0]!.play(200);
    await settle();
    expect(backend.frames.mic.length).toBeGreaterThan(0);
    await controller.stop();
  });
});

describe('recording controller: hot-plug', () => {
  it('keeps recording through an unplug, then goes on with the default device and reports the gap', async () => {
    const { media, backend, controller } = await setup({ micDeviceId: 'usb', captureSystemAudio: true });
    await controller.start();
    const usb = media.micTracks[0]!;
    const system = media.systemTracks[0]!;
    usb.play(200);
    system.play(200);
    await settle();
    const before = backend.frames.mic.length;
    expect(before).toBeGreaterThan(0);

    // Unplugged: the track ends and the device leaves the list.
    media.now.ms += 10;
    usb.unplug();
    await settle();
    let snapshot = controller.getSnapshot();
    expect(snapshot.micConnected).toBe(false);
    expect(snapshot.warnings.at(-1)).toMatchObject({ kind: 'device-lost' });
    expect(snapshot.warnings.at(-1)!.message).toMatch(/USB headset was disconnected/);
    expect(snapshot.phase).toBe('recording');
    // The other channel goes on meanwhile.
    const systemBefore = backend.frames.system.length;
    system.play(1000);
    await settle();
    expect(backend.frames.system.length).toBeGreaterThan(systemBefore + 40);

    // A device change (the OS switched its default) makes the controller try the default device at once.
    media.now.ms += 1000;
    media.unplug('usb');
    await settle();
    snapshot = controller.getSnapshot();
    expect(snapshot.micConnected).toBe(true);
    expect(snapshot.micLabel).toBe('Default');
    expect(snapshot.warnings.at(-1)).toMatchObject({ kind: 'device-restored' });
    expect(media.getUserMedia.mock.calls.at(-1)![0].audio.deviceId).toBeUndefined();
    expect(snapshot.microphones.map((m) => m.deviceId)).toEqual(['builtin']);

    const fallback = media.micTracks.at(-1)!;
    fallback.play(400);
    await settle();
    await controller.stop();
    const mic = seqs(backend.frames.mic);
    // One jump, the length of the outage (~1 s = 50 frames), then consecutive again.
    const jumps = mic.slice(1).flatMap((s, i) => (s !== mic[i]! + 1 ? [s - mic[i]! - 1] : []));
    expect(jumps).toHaveLength(1);
    expect(jumps[0]).toBeGreaterThanOrEqual(45);
    expect(jumps[0]).toBeLessThanOrEqual(55);
  });

  it('notices a device that left the list even when its track did not end', async () => {
    const { media, controller } = await setup({ micDeviceId: 'usb', captureSystemAudio: false });
    await controller.start();
    media.unplug('usb');
    await settle();
    const kinds = controller.getSnapshot().warnings.map((w) => w.kind);
    expect(kinds[0]).toBe('device-lost');
    expect(media.micTracks[0]!.readyState).toBe('ended');
    await controller.stop();
  });

  it('refreshes the device list on plug and unplug', async () => {
    const { media, controller } = await setup();
    expect(controller.getSnapshot().microphones.map((m) => m.label)).toEqual([
      'USB headset',
      'Built-in microphone',
    ]);
    media.plug({ deviceId: 'dock', label: 'Dock microphone' });
    await settle();
    expect(controller.getSnapshot().microphones.map((m) => m.deviceId)).toEqual(['usb', 'builtin', 'dock']);
    media.unplug('usb');
    await settle();
    expect(controller.getSnapshot().microphones.map((m) => m.deviceId)).toEqual(['builtin', 'dock']);
  });
});
