/**
 * `verbatim record` with the real native sources: parec on a private PulseAudio daemon with a null sink
 * (TESTING.md "System audio on Linux"). A tone played into the sink reaches the meeting's system channel;
 * the microphone is PulseAudio's default source (here the null sink's monitor, the only source there is).
 * Skipped with a message when pulseaudio/parec are not installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../../main/audio/wav';
import { channelFrames, findMeetingAudio } from '../../../main/backend/transcribe/audio-source';
import { recordCommand } from '../../../main/cli/commands/record';
import { EXIT } from '../../../main/cli/exit-codes';
import { fakeLoader, readArchive } from '../transcribe/fixture';
import { cliHarness } from './harness';

const missing = ['pulseaudio', 'parec', 'pactl', 'paplay'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
if (missing.length) console.warn(`record-parec.test.ts skipped: ${missing.join(', ')} not installed`);

let root = '';
let daemonPid = 0;
const savedEnv: Record<string, string | undefined> = {};
const ENV_KEYS = ['HOME', 'PULSE_RUNTIME_PATH', 'XDG_RUNTIME_DIR', 'PULSE_SERVER'] as const;

beforeAll(async () => {
  if (missing.length) return;
  root = await mkdtemp(join(tmpdir(), 'verbatim-record-pa-'));
  // record uses parec with this process's environment: point it at a private daemon for this file.
  for (const key of ENV_KEYS) savedEnv[key] = process.env[key];
  process.env.HOME = join(root, 'home');
  process.env.PULSE_RUNTIME_PATH = join(root, 'run');
  process.env.XDG_RUNTIME_DIR = join(root, 'run');
  delete process.env.PULSE_SERVER;
  await mkdir(process.env.HOME, { recursive: true });
  await mkdir(process.env.PULSE_RUNTIME_PATH, { recursive: true });
  const started = spawnSync(
    'pulseaudio',
    [
      '-n',
      '-D',
      '--exit-idle-time=-1',
      '--load=module-native-protocol-unix',
      '--load=module-null-sink sink_name=them sink_properties=device.description=Them',
    ],
    { encoding: 'utf8' },
  );
  if (started.status !== 0) throw new Error(`pulseaudio did not start: ${started.stderr}`);
  daemonPid = Number((await readFile(join(root, 'run', 'pid'), 'utf8')).trim());
}, 30_000);

afterAll(async () => {
  if (daemonPid) {
    try {
      process.kill(daemonPid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  if (root) await rm(root, { recursive: true, force: true });
});

function play(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('paplay', ['--device=them', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
  });
}

describe.skipIf(missing.length > 0)('verbatim record through parec', () => {
  it('records what the sink plays into the system channel, then prints the meeting id', async () => {
    const h = await cliHarness(join(root, 'data'), fakeLoader());
    try {
      const tone = new Float32Array(16000 * 1.5).map(
        (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000),
      );
      const wav = join(root, 'tone.wav');
      await writeFile(wav, writeWav(tone, 16000));
      let stop: () => void = () => undefined;
      const running = recordCommand(
        h.ctx,
        { title: 'parec' },
        {
          onStopSignal: (s) => {
            stop = s;
            return () => undefined;
          },
        },
      );
      // Capture must run before playback starts (TESTING.md), then a little tail.
      await new Promise((r) => setTimeout(r, 700));
      await play(wav);
      await new Promise((r) => setTimeout(r, 500));
      stop();
      expect(await running, h.err.join('\n')).toBe(EXIT.OK);
      const meetingId = Number(h.out[0]);
      const meeting = readArchive(h.ctx.dataDir, (s) => s.meetings.get(meetingId))!;
      expect(meeting.status).toBe('done');
      expect(meeting.durationMs).toBeGreaterThan(1500);
      const files = findMeetingAudio(meeting.audioDir);
      expect(files.map((f) => f.channel).sort()).toEqual(['mic', 'system']);
      // The tone is in the system recording: its loudest second is far above silence.
      const system = await channelFrames(files.find((f) => f.channel === 'system')!);
      let peak = 0;
      for await (const frame of system.frames())
        for (const v of frame.samples) peak = Math.max(peak, Math.abs(v));
      expect(peak).toBeGreaterThan(0.1);
    } finally {
      await h.backend.shutdown();
    }
  }, 30_000);
});
