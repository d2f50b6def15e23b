import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApiException,
  createApiClient,
  createMemoryPair,
  methods,
  parseMediaPath,
  mediaPath,
  SettingsSchema,
  type ApiClient,
  type ClientMessage,
  type ServerMessage,
} from '../../../main/api';
import { compactRecording } from '../../../main/audio/compact';
import { writeWav } from '../../../main/audio/wav';
import type { BackendContext } from '../../../main/backend/context';
import { mediaHandlers } from '../../../main/backend/handlers/media';
import { firstMp3Frame } from '../../../main/backend/media-files';
import { createBackendServer, type Handlers } from '../../../main/backend/server';
import { openStore, type Store } from '../../../main/store';

/** A tone of `seconds` at 16 kHz: enough structure for the MP3 encoder, cheap to make. */
function tone(seconds: number, rate = 16_000): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / rate);
  return out;
}

describe('media handlers', () => {
  let root: string;
  let dataDir: string;
  let store: Store;
  let api: ApiClient;
  let logs: string[];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'verbatim-media-'));
    dataDir = join(root, 'data');
    mkdirSync(dataDir);
    store = openStore(join(dataDir, 'archive.sqlite'));
    logs = [];
    const ctx: BackendContext = {
      store,
      dataDir,
      settings: { get: () => SettingsSchema.parse({}) },
      models: {} as BackendContext['models'],
      loadEngines: (() => {
        throw new Error('not used');
      }) as unknown as BackendContext['loadEngines'],
      emit: () => undefined,
      log: (message) => logs.push(message),
    };
    const unmodelled = Object.fromEntries(
      Object.keys(methods).map((name) => [
        name,
        () => {
          throw new ApiException('UNKNOWN_METHOD', name);
        },
      ]),
    ) as unknown as Handlers;
    // The real protocol server validates params and results against the contract.
    const server = createBackendServer({ ...unmodelled, ...mediaHandlers(ctx) }, { log: () => undefined });
    const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
    server.connect(serverSide);
    api = createApiClient(clientSide);
  });
  afterEach(() => {
    api.dispose();
    store.close();
    rmSync(root, { recursive: true, force: true });
  });

  function meetingWithAudio(audioDir: string | null): number {
    const meeting = store.meetings.create({ title: 'Call', startedAt: 1, status: 'done' });
    store.meetings.updateState(meeting.id, { audioDir });
    return meeting.id;
  }

  function writeChannel(dir: string, channel: 'mic' | 'system', seconds: number): string {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${channel}.wav`);
    writeFileSync(path, writeWav(tone(seconds), 16_000));
    return path;
  }

  it('lists the WAV of a meeting still recording or recovered after a crash', async () => {
    const dir = join(dataDir, 'recordings', '1');
    writeChannel(dir, 'mic', 1.5);
    const id = meetingWithAudio(dir);
    const result = await api.invoke('media.sources', { meetingId: id });
    expect(result).toEqual({
      ok: true,
      value: {
        channels: [
          {
            channel: 'mic',
            url: `media/${id}/mic`,
            mimeType: 'audio/wav',
            durationMs: 1500,
            bytes: 44 + 1.5 * 16_000 * 2,
            format: 'wav',
          },
        ],
      },
    });
  });

  it('counts a WAV by its bytes, not a stale header (a crash before the header was patched)', async () => {
    const dir = join(dataDir, 'recordings', '2');
    const wav = writeWav(tone(2), 16_000);
    // Header says 0 data bytes, as right after ChannelRecorder.create.
    new DataView(wav.buffer).setUint32(40, 0, true);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'system.wav'), wav);
    const id = meetingWithAudio(dir);
    const result = await api.invoke('media.sources', { meetingId: id });
    expect(result.ok && result.value.channels[0]).toMatchObject({ channel: 'system', durationMs: 2000 });
  });

  it('prefers the compacted MP3 when both are there, with its length from the bit rate', async () => {
    const dir = join(dataDir, 'recordings', '3');
    const micWav = writeChannel(dir, 'mic', 3);
    writeChannel(dir, 'system', 2);
    const compacted = await compactRecording(micWav, undefined, { keepWav: true });
    const id = meetingWithAudio(dir);
    const result = await api.invoke('media.sources', { meetingId: id });
    if (!result.ok) throw new Error(result.error.message);
    const [mic, system] = result.value.channels;
    expect(mic).toMatchObject({
      channel: 'mic',
      format: 'mp3',
      mimeType: 'audio/mpeg',
      bytes: compacted.mp3Bytes,
    });
    // CBR estimate vs. the samples actually decoded: within two MP3 frames (72 ms at 16 kHz).
    expect(Math.abs(mic!.durationMs - (compacted.decodedSamples / 16_000) * 1000)).toBeLessThan(72);
    expect(system).toMatchObject({ channel: 'system', format: 'wav', durationMs: 2000 });

    const file = await api.invoke('media.file', { meetingId: id, channel: 'mic' });
    expect(file).toEqual({
      ok: true,
      value: { path: realpathSync(compacted.mp3Path), mimeType: 'audio/mpeg', bytes: compacted.mp3Bytes },
    });
  });

  it('says NOT_FOUND, and why, when there is nothing to play', async () => {
    const imported = meetingWithAudio(null);
    expect(await api.invoke('media.sources', { meetingId: imported })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no recorded audio/) },
    });
    const empty = meetingWithAudio(join(dataDir, 'recordings', 'empty'));
    expect(await api.invoke('media.sources', { meetingId: empty })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no audio files/) },
    });
    const dir = join(dataDir, 'recordings', 'mic-only');
    writeChannel(dir, 'mic', 0.5);
    const micOnly = meetingWithAudio(dir);
    expect(await api.invoke('media.file', { meetingId: micOnly, channel: 'system' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/no system audio/) },
    });
    expect(await api.invoke('media.sources', { meetingId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Meeting 999 does not exist.' },
    });
  });

  it('never hands out a file outside the data folder', async () => {
    const outside = join(root, 'elsewhere');
    writeChannel(outside, 'mic', 0.5);
    // An audioDir stored outside the data folder, and one that climbs out with '..'.
    for (const audioDir of [outside, join(dataDir, '..', 'elsewhere')]) {
      const id = meetingWithAudio(audioDir);
      const calls = [
        api.invoke('media.sources', { meetingId: id }),
        api.invoke('media.file', { meetingId: id, channel: 'mic' }),
      ];
      for (const result of await Promise.all(calls)) {
        expect(result).toMatchObject({
          ok: false,
          error: { code: 'NOT_FOUND', message: expect.stringMatching(/not in the data folder/) },
        });
      }
    }
    // A symlink inside the meeting folder that points out of it.
    const dir = join(dataDir, 'recordings', 'linked');
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(outside, 'mic.wav'), join(dir, 'mic.wav'));
    const linked = meetingWithAudio(dir);
    expect(await api.invoke('media.file', { meetingId: linked, channel: 'mic' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(logs.some((line) => line.includes('outside the data folder'))).toBe(true);
  });

  it('rejects params the contract does not allow', async () => {
    const result = await api.invoke('media.file', { meetingId: 1, channel: 'both' } as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
  });
});

describe('media paths', () => {
  it('round-trips a meeting channel and refuses anything else', () => {
    expect(parseMediaPath(`/${mediaPath(12, 'system')}`)).toEqual({ meetingId: 12, channel: 'system' });
    for (const path of [
      '/media/0/mic',
      '/media/01/mic',
      '/media/1/both',
      '/media/1/mic/',
      '/media/1/../mic',
      '/x/media/1/mic',
    ]) {
      expect(parseMediaPath(path), path).toBeNull();
    }
  });

  it('finds the first MP3 frame after an ID3 tag', () => {
    const id3 = [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5];
    // MPEG-2 layer III, 32 kbit/s (index 4), 16 kHz (index 2).
    const frame = [0xff, 0xf3, 0x48, 0xc4];
    expect(firstMp3Frame(Uint8Array.from([...id3, ...frame]))).toEqual({
      offset: 15,
      bitrate: 32_000,
      sampleRate: 16_000,
    });
    expect(firstMp3Frame(Uint8Array.from([1, 2, 3, 4, 5]))).toBeNull();
  });
});
