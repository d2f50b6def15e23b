import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../../main/audio/frames';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { ChannelRecorder, recoverMeetingAudio, recoverRecording } from '../../../main/audio/recorder';
import { parseWav, readWavInfo, wavHeader, writeWav } from '../../../main/audio/wav';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-rec-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = (seq: number, value = (seq % 10) / 20): AudioFrame => ({
  channel: 'mic',
  seq,
  t: seq * 20,
  epochMs: 0,
  samples: new Float32Array(FRAME_SAMPLES).fill(value),
});

const frameValues = (samples: Float32Array) =>
  Array.from(
    { length: samples.length / FRAME_SAMPLES },
    (_, i) => Math.round(samples[i * FRAME_SAMPLES]! * 20) / 20,
  );

describe('ChannelRecorder', () => {
  it('starts as a valid empty WAV and holds appended frames only in memory until a flush', async () => {
    const path = join(dir, 'mic.wav');
    const rec = await ChannelRecorder.create({ path, flushIntervalMs: 1000 });
    expect(readWavInfo(await readFile(path)).frames).toBe(0);
    for (let i = 0; i < 10; i++) rec.append(frame(i));
    expect(rec.framesAccepted).toBe(10);
    expect((await stat(path)).size).toBe(44);
    await rec.flush();
    // Valid as-is after every flush: no recovery needed to play it.
    const wav = parseWav(await readFile(path));
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, frames: 10 * FRAME_SAMPLES });
    expect(frameValues(wav.samples)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]);
    const summary = await rec.close();
    expect(summary).toMatchObject({ frames: 10, durationMs: 200, filledFrames: 0 });
  });

  it('flushes on its own within the configured interval', async () => {
    const path = join(dir, 'mic.wav');
    const rec = await ChannelRecorder.create({ path, flushIntervalMs: 50 });
    rec.append(frame(0));
    await new Promise((r) => setTimeout(r, 200));
    expect(readWavInfo(await readFile(path)).frames).toBe(FRAME_SAMPLES);
    await rec.close();
  });

  it('fills lost frames with silence so file time stays capture time, and ignores duplicates', async () => {
    const path = join(dir, 'system.wav');
    const rec = await ChannelRecorder.create({ path });
    for (const seq of [0, 1, 5, 5, 3, 6]) rec.append(frame(seq, 0.5));
    const summary = await rec.close();
    expect(summary).toMatchObject({ frames: 7, filledFrames: 3 });
    expect(frameValues(parseWav(await readFile(path)).samples)).toEqual([0.5, 0.5, 0, 0, 0, 0.5, 0.5]);
  });

  it('does not record while paused and does not treat the pause as lost frames', async () => {
    const path = join(dir, 'mic.wav');
    const rec = await ChannelRecorder.create({ path });
    for (let i = 0; i < 5; i++) rec.append(frame(i));
    rec.pause(100);
    for (let i = 5; i < 50; i++) rec.append(frame(i));
    rec.resume(1000);
    for (let i = 50; i < 55; i++) rec.append(frame(i));
    const summary = await rec.close();
    expect(summary.frames).toBe(10);
    expect(summary.filledFrames).toBe(0);
    expect(summary.segments).toEqual([
      { startT: 0, endT: 100, fileMs: 0 },
      { startT: 1000, endT: null, fileMs: 100 },
    ]);
  });

  it('never overwrites an existing recording', async () => {
    const path = join(dir, 'mic.wav');
    await writeFile(path, 'precious');
    await expect(ChannelRecorder.create({ path })).rejects.toThrow(/EEXIST/);
    expect(await readFile(path, 'utf8')).toBe('precious');
  });
});

describe('recoverRecording', () => {
  it('fixes sizes from the file length and drops a torn last frame', async () => {
    const path = join(dir, 'mic.wav');
    // What a crash leaves: header from creation (sizes 0), 10 whole frames and half of the 11th.
    const data = writeWav(new Float32Array(FRAME_SAMPLES * 11).fill(0.25), 16000).subarray(44);
    await writeFile(path, Buffer.concat([wavHeader(16000, 1, 'pcm16', 0), data.subarray(0, 10 * 640 + 321)]));
    const result = await recoverRecording(path);
    expect(result).toMatchObject({ frames: 10, durationMs: 200, truncatedBytes: 321, repaired: true });
    const wav = parseWav(await readFile(path));
    expect(wav.frames).toBe(10 * FRAME_SAMPLES);
    expect(wav.samples.every((s) => Math.abs(s - 0.25) < 1e-4)).toBe(true);
    expect((await recoverRecording(path)).repaired).toBe(false);
  });

  it('recovers every channel in a meeting folder and refuses foreign WAVs', async () => {
    await writeFile(
      join(dir, 'mic.wav'),
      Buffer.concat([wavHeader(16000, 1, 'pcm16', 0), new Uint8Array(640 * 3)]),
    );
    await writeFile(join(dir, 'system.wav'), writeWav(new Float32Array(640), 16000));
    await writeFile(join(dir, 'notes.txt'), 'x');
    const results = await recoverMeetingAudio(dir);
    expect(
      results.map((r) => [r.path.endsWith('mic.wav') ? 'mic' : 'system', r.frames, r.repaired]).sort(),
    ).toEqual([
      ['mic', 3, true],
      ['system', 2, false],
    ]);
    await writeFile(join(dir, 'other.wav'), writeWav(new Float32Array(100), 44100, 2));
    await expect(recoverRecording(join(dir, 'other.wav'))).rejects.toThrow(
      /other\.wav: not a Verbatim recording/,
    );
  });
});
