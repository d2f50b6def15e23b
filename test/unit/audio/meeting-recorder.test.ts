import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AudioChannel, AudioFrame } from '../../../main/audio/frames';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { MeetingRecorder } from '../../../main/audio/meeting-recorder';
import { parseWav, readWavInfo } from '../../../main/audio/wav';

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
    // The system file starts with 1 s of silence: its first recorded frame is at file time 1 s (the
    // paused second is in neither file), so both files share one timeline.
    expect(summaries.map((s) => [s.path.endsWith('mic.wav') ? 'mic' : 'system', s.frames])).toEqual([
      ['mic', 75],
      ['system', 75],
    ]);
    expect(readWavInfo(await readFile(join(audioDir, 'mic.wav'))).frames).toBe(75 * FRAME_SAMPLES);
    const compacted = await rec.compact();
    expect(compacted.every((c) => 'mp3Path' in c)).toBe(true);
    await expect(access(join(audioDir, 'mic.mp3'))).resolves.toBeUndefined();
    await expect(access(join(audioDir, 'system.mp3'))).resolves.toBeUndefined();
    await expect(access(join(audioDir, 'mic.wav'))).rejects.toThrow(/ENOENT/);
  });

  it('pads a channel that starts late so both files share one timeline', async () => {
    const rec = new MeetingRecorder({ dir });
    for (let seq = 0; seq < 40; seq++) {
      await rec.append(frame('mic', seq));
      // System audio arrives 300 ms after the microphone (getDisplayMedia took longer).
      if (seq >= 15) await rec.append({ ...frame('system', seq - 15), t: seq * 20 });
    }
    await rec.close();
    const mic = readWavInfo(await readFile(join(dir, 'mic.wav')));
    const system = readWavInfo(await readFile(join(dir, 'system.wav')));
    expect(system.frames).toBe(mic.frames);
    const { samples } = parseWav(await readFile(join(dir, 'system.wav')));
    expect(samples.subarray(0, 15 * FRAME_SAMPLES).every((v) => v === 0)).toBe(true);
    // Its second frame (seq 1: the first one is sin(0) = 0) lands at 320 ms.
    expect(samples.subarray(16 * FRAME_SAMPLES, 17 * FRAME_SAMPLES).some((v) => v !== 0)).toBe(true);
  });
});
