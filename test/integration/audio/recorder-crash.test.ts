/**
 * Issue 4 "Done when": record speech, kill -9 the process holding the file mid-meeting, recover: the audio
 * plays and is at most 1 s shorter than what was handed to the recorder.
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { recoverRecording } from '../../../main/audio/recorder';
import { parseWav } from '../../../main/audio/wav';
import { VOICES, synthesize } from '../../fixtures/audio/synth';
import { correlation, loopTo } from './signal';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recorder crash safety', () => {
  it('a kill -9 mid-recording loses at most 1 s, and recovery makes the file playable', async () => {
    const speech = loopTo(synthesize('The quarterly numbers look better than we expected.', VOICES[0]!), 10);
    const speechPath = join(dir, 'speech.f32');
    await writeFile(speechPath, new Uint8Array(speech.buffer));
    const path = join(dir, 'mic.wav');
    const child = fork(join(__dirname, 'recorder-child.ts'), [path, speechPath], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // Kill at an arbitrary point between 2 and 3 s in, not on a flush boundary.
    const killAt = 100 + Math.floor(Math.random() * 50);
    let sent = 0;
    const exit = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_, signal) => resolve(signal)),
    );
    child.on('message', (m: { sent?: number }) => {
      if (m.sent === undefined) return;
      sent = m.sent;
      if (sent === killAt) child.kill('SIGKILL');
    });
    expect(await exit).toBe('SIGKILL');

    const recovered = await recoverRecording(path);
    expect(recovered.frames).toBeLessThanOrEqual(sent);
    expect(sent - recovered.frames).toBeLessThanOrEqual(50); // 50 frames = 1 s
    const wav = parseWav(await readFile(path), path);
    expect(wav.frames).toBe(recovered.frames * FRAME_SAMPLES);
    // What survived is what was sent, in place (16-bit quantisation only).
    expect(correlation(speech, wav.samples, 0, 0, wav.samples.length)).toBeGreaterThan(0.999);
    // An independent reader agrees the file is playable.
    const soxi = spawnSync('soxi', ['-s', path], { encoding: 'utf8' });
    if (!soxi.error) expect(Number(soxi.stdout.trim())).toBe(wav.frames);
  });
});
