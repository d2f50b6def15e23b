import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioChannel, AudioFrame } from '../../../main/audio/frames';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { MeetingRecorder } from '../../../main/audio/meeting-recorder';
import { readWavInfo } from '../../../main/audio/wav';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verbatim-meeting-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const frame = (channel: AudioChannel, seq: number): AudioFrame => ({
  channel,
  seq,
  t: seq * 20,
  epochMs: 0,
  samples: new Float32Array(FRAME_SAMPLES).fill(0.1 * Math.sin(seq)),
});

describe('MeetingRecorder', () => {
  it('records each channel to its own file, pauses both, and compacts both', async () => {
    const audioDir = join(dir, 'meeting-1', 'audio');
    const rec = new MeetingRecorder({ dir: audioDir });
    const pending: Promise<void>[] = [];
    for (let seq = 0; seq < 50; seq++) pending.push(rec.append(frame('mic', seq)));
    await rec.pause(1000);
    // The system channel starts during the pause: nothing of it is recorded until resume.
    for (let seq = 50; seq < 100; seq++)
      pending.push(rec.append(frame('mic', seq)), rec.append(frame('system', seq)));
    await Promise.all(pending);
    await rec.resume(2000);
    for (let seq = 100; seq < 125; seq++)
      await Promise.all([rec.append(frame('mic', seq)), rec.append(frame('system', seq))]);
    const summaries = await rec.close();
    expect(summaries.map((s) => [s.path.endsWith('mic.wav') ? 'mic' : 'system', s.frames])).toEqual([
      ['mic', 75],
      ['system', 25],
    ]);
    expect(readWavInfo(await readFile(join(audioDir, 'mic.wav'))).frames).toBe(75 * FRAME_SAMPLES);
    const compacted = await rec.compact();
    expect(compacted.every((c) => 'mp3Path' in c)).toBe(true);
    await expect(access(join(audioDir, 'mic.mp3'))).resolves.toBeUndefined();
    await expect(access(join(audioDir, 'system.mp3'))).resolves.toBeUndefined();
    await expect(access(join(audioDir, 'mic.wav'))).rejects.toThrow(/ENOENT/);
  });
});
