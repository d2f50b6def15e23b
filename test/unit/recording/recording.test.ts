/**
 * The recording contract end to end inside one process: the real backend (startInProcessBackend, a
 * structured-clone link like Electron's MessagePort) with real files, driven the way the renderer's
 * capture hook drives it.
 */
import { access, appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unwrap, type PayloadOf } from '../../../main/api';
import { decodeMp3 } from '../../../main/audio/compact';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';

const N = 320;
let dataDir: string;
let backend: InProcessBackend;
let warnings: PayloadOf<'recording.warning'>[];
let states: PayloadOf<'recording.state'>[];
let levels: PayloadOf<'recording.level'>[];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verbatim-recording-'));
  backend = await startInProcessBackend({ dataDir });
  warnings = [];
  states = [];
  levels = [];
  backend.client.on('recording.warning', (w) => warnings.push(w));
  backend.client.on('recording.state', (s) => states.push(s));
  backend.client.on('recording.level', (l) => levels.push(l));
});
afterEach(async () => {
  await backend?.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

/** A 440 Hz tone at -20 dBFS ("speech" energy) or digital silence. */
function samples(seq: number, loud: boolean): Float32Array {
  const out = new Float32Array(N);
  if (loud) for (let i = 0; i < N; i++) out[i] = 0.1 * Math.sin((2 * Math.PI * 440 * (seq * N + i)) / 16000);
  return out;
}

const frames = (from: number, to: number, loud = true, asArray = false) =>
  Array.from({ length: to - from }, (_, k) => {
    const seq = from + k;
    const s = samples(seq, loud);
    return { seq, t: seq * 20, samples: asArray ? Array.from(s) : s };
  });

const api = () => backend.client;

async function start(autoStopMs?: number) {
  return unwrap(
    await api().invoke('recording.start', {
      mode: 'record-only',
      title: 'Standup',
      ...(autoStopMs ? { autoStopMs } : {}),
    }),
  );
}

/** Sends [from, to) in batches of 5 frames (100 ms), as the capture hook does. */
async function send(
  sessionId: string,
  channel: 'mic' | 'system',
  from: number,
  to: number,
  opts: { loud?: boolean; asArray?: boolean } = {},
) {
  for (let s = from; s < to; s += 5) {
    const r = await api().invoke('recording.frames', {
      sessionId,
      channel,
      frames: frames(s, Math.min(to, s + 5), opts.loud ?? true, opts.asArray ?? false),
    });
    unwrap(r);
  }
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

describe('recording sessions', () => {
  it('records both sample encodings, pauses and resumes, and closes the meeting with an MP3', async () => {
    const { sessionId, meetingId } = await start();
    expect(unwrap(await api().invoke('recording.status', {})).session).toMatchObject({
      sessionId,
      meetingId,
      state: 'recording',
    });
    await send(sessionId, 'mic', 0, 50); // Float32Array (structured clone)
    await send(sessionId, 'mic', 50, 100, { asArray: true }); // plain numbers (JSON bridge)
    const paused = unwrap(await api().invoke('recording.pause', { sessionId }));
    expect(paused.state).toBe('paused');
    expect(unwrap(await api().invoke('meetings.get', { meetingId })).meeting.status).toBe('paused');
    await send(sessionId, 'mic', 100, 125); // captured while paused: dropped
    unwrap(await api().invoke('recording.resume', { sessionId }));
    // The capture side stopped sending for a while during the pause: not a gap.
    await send(sessionId, 'mic', 150, 200);
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));

    expect(stopped).toMatchObject({ state: 'done', frames: { mic: 150, system: 0 } });
    expect(stopped.missingFrames).toEqual({ mic: 0, system: 0 });
    expect(warnings).toEqual([]);
    const meeting = unwrap(await api().invoke('meetings.get', { meetingId })).meeting;
    expect(meeting).toMatchObject({ status: 'done', durationMs: 3000, title: 'Standup' });
    expect(meeting.endedAt).toBeGreaterThanOrEqual(meeting.startedAt);
    expect(meeting.audioDir).toBe(join(dataDir, 'recordings', String(meetingId)));
    // Compacted: the MP3 replaced the WAV and decodes to (at least) the 3 s recorded.
    const mp3 = join(meeting.audioDir!, 'mic.mp3');
    expect(await exists(join(meeting.audioDir!, 'mic.wav'))).toBe(false);
    const decoded = await decodeMp3(await readFile(mp3), false);
    expect(decoded.samples).toBeGreaterThanOrEqual(150 * N);
    expect(decoded.samples).toBeLessThan(150 * N + 4000);
    expect(states.map((s) => s.state)).toEqual(['recording', 'paused', 'recording', 'finalizing', 'done']);
    expect(levels.length).toBeGreaterThanOrEqual(25);
    expect(levels[0]).toMatchObject({ sessionId, channel: 'mic' });
    expect(levels[0]!.rmsDb).toBeCloseTo(-23, 0); // 0.1 amplitude sine: 20·log10(0.1/√2)
    expect(unwrap(await api().invoke('recording.status', {})).session).toBeNull();
  });

  it('rejects malformed frames with INVALID_PARAMS and keeps the session going', async () => {
    const { sessionId } = await start();
    await send(sessionId, 'mic', 0, 5);
    const short = await api().invoke('recording.frames', {
      sessionId,
      channel: 'mic',
      frames: [{ seq: 5, t: 100, samples: new Float32Array(319) }],
    });
    expect(short).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    const nan = new Float32Array(N);
    nan[17] = NaN;
    for (const bad of [nan, [...Array.from(new Float32Array(N - 1)), Infinity], Array(N + 1).fill(0)]) {
      const r = await api().invoke('recording.frames', {
        sessionId,
        channel: 'mic',
        frames: [{ seq: 5, t: 100, samples: bad }],
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    }
    await send(sessionId, 'mic', 5, 10);
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped.frames.mic).toBe(10);
    expect(stopped.missingFrames.mic).toBe(0);
  });

  it('answers NOT_FOUND for an unknown session and refuses a second session', async () => {
    const r = await api().invoke('recording.frames', {
      sessionId: 'nope',
      channel: 'mic',
      frames: frames(0, 1),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await start();
    const second = await api().invoke('recording.start', { mode: 'record-only' });
    expect(second).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
  });

  it('warns about a sequence gap and fills it with silence', async () => {
    const { sessionId, meetingId } = await start();
    await send(sessionId, 'mic', 0, 10);
    await send(sessionId, 'mic', 15, 20);
    expect(warnings).toEqual([
      expect.objectContaining({
        sessionId,
        channel: 'mic',
        kind: 'gap',
        message: expect.stringContaining('100 ms'),
      }),
    ]);
    const stopped = unwrap(await api().invoke('recording.stop', { sessionId }));
    expect(stopped.missingFrames.mic).toBe(5);
    // File time stays capture time: 15 frames received + 5 filled.
    expect(unwrap(await api().invoke('meetings.get', { meetingId })).meeting.durationMs).toBe(400);
  });

  it('flags a microphone that is digitally silent while the other side speaks, once', async () => {
    const { sessionId } = await start();
    for (let s = 0; s < 400; s += 25) {
      await send(sessionId, 'system', s, s + 25, { loud: true });
      await send(sessionId, 'mic', s, s + 25, { loud: false });
    }
    const silent = warnings.filter((w) => w.kind === 'silent-source');
    expect(silent).toEqual([expect.objectContaining({ channel: 'mic', kind: 'silent-source' })]);
    expect(warnings.filter((w) => w.channel === 'system')).toEqual([]);
  });

  it('auto-stops after the configured silence on both channels', async () => {
    const { sessionId, meetingId } = await start(1000);
    await send(sessionId, 'mic', 0, 25, { loud: true });
    // 1.5 s of silence: the window that completes 1 s after the last speech stops the session.
    for (let s = 25; s < 100; s += 5) await send(sessionId, 'mic', s, s + 5, { loud: false });
    // Closing includes the MP3 compaction, which takes a while on a loaded machine.
    await expect.poll(() => states.at(-1)?.state, { timeout: 15_000 }).toBe('done');
    expect(states.at(-1)).toMatchObject({ sessionId, state: 'done', reason: 'auto-stop' });
    expect(warnings.map((w) => w.kind)).toEqual(['auto-stop']);
    const meeting = unwrap(await api().invoke('meetings.get', { meetingId })).meeting;
    expect(meeting.status).toBe('done');
    // Speech (0.5 s) + 1 s of silence, give or take the batch in flight when it fired.
    expect(meeting.durationMs).toBeGreaterThanOrEqual(1500);
    expect(meeting.durationMs).toBeLessThanOrEqual(1700);
    // Late batches for the stopped session are answered, not rejected.
    const late = unwrap(
      await api().invoke('recording.frames', { sessionId, channel: 'mic', frames: frames(100, 105) }),
    );
    expect(late).toEqual({ accepted: 0, state: 'done' });
  });

  it('marks the meeting interrupted with playable audio when the backend shuts down mid-recording', async () => {
    const { sessionId, meetingId } = await start();
    await send(sessionId, 'mic', 0, 60);
    // (The in-process client is disposed before the backend stops, so the 'interrupted' event has no
    // listener here; the meeting row is what survives.)
    await backend.shutdown();
    backend = await startInProcessBackend({ dataDir });
    const meeting = unwrap(await backend.client.invoke('meetings.get', { meetingId })).meeting;
    expect(meeting).toMatchObject({ status: 'interrupted', durationMs: 1200 });
    const wav = await readFile(join(meeting.audioDir!, 'mic.wav'));
    expect(wav.length).toBe(44 + 60 * N * 2);
  });

  it('after a crash, the next start marks the meeting interrupted and repairs its audio', async () => {
    const { sessionId, meetingId } = await start();
    await send(sessionId, 'mic', 0, 60);
    const wav = join(dataDir, 'recordings', String(meetingId), 'mic.wav');
    // The recorder syncs within its flush interval (250 ms); then the process "dies" mid-write: a torn
    // half frame at the end, never acknowledged in the header. The first backend is simply abandoned.
    await expect.poll(async () => (await stat(wav)).size, { interval: 50 }).toBe(44 + 60 * N * 2);
    await appendFile(wav, new Uint8Array(N));
    const second = await startInProcessBackend({ dataDir });
    try {
      await expect
        .poll(async () => unwrap(await second.client.invoke('meetings.get', { meetingId })).meeting)
        .toMatchObject({ status: 'interrupted', durationMs: 1200 });
      expect((await stat(wav)).size).toBe(44 + 60 * N * 2);
    } finally {
      await second.shutdown();
    }
  });
});
