/**
 * Native Linux system audio through a PulseAudio null sink (TESTING.md "System audio on Linux"): speech
 * played into the sink arrives through ParecSource as gap-free 16 kHz frames that reproduce it.
 * Needs `apt-get install -y pulseaudio pulseaudio-utils`; skipped with a message when they are missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../../main/audio/frames';
import { GapDetector } from '../../../main/audio/frames';
import type { Level } from '../../../main/audio/level';
import { ParecSource } from '../../../main/audio/sources/parec';
import type { SourceError } from '../../../main/audio/sources/types';
import { writeWav } from '../../../main/audio/wav';
import { VOICES, synthesize } from '../../fixtures/audio/synth';
import { bestLag, concatFrames, correlation } from './signal';

const missing = ['pulseaudio', 'parec', 'pactl', 'paplay'].filter(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);
if (missing.length)
  console.warn(
    `parec.test.ts skipped: ${missing.join(', ')} not installed (apt-get install -y pulseaudio pulseaudio-utils)`,
  );

let root = '';
let env: NodeJS.ProcessEnv = {};
let daemonPid = 0;

beforeAll(async () => {
  if (missing.length) return;
  // A private runtime dir: the test never touches a user's or another test's daemon.
  root = await mkdtemp(join(tmpdir(), 'verbatim-pa-'));
  env = {
    ...process.env,
    HOME: join(root, 'home'),
    PULSE_RUNTIME_PATH: join(root, 'run'),
    XDG_RUNTIME_DIR: join(root, 'run'),
  };
  delete env.PULSE_SERVER;
  await mkdir(env.HOME!, { recursive: true });
  await mkdir(env.PULSE_RUNTIME_PATH!, { recursive: true });
  const started = spawnSync(
    'pulseaudio',
    [
      '-n',
      '-D',
      '--exit-idle-time=-1',
      '--load=module-native-protocol-unix',
      '--load=module-null-sink sink_name=them sink_properties=device.description=Them',
    ],
    { env, encoding: 'utf8' },
  );
  if (started.status !== 0) throw new Error(`pulseaudio did not start: ${started.stderr}`);
  daemonPid = Number((await readFile(join(env.PULSE_RUNTIME_PATH!, 'pid'), 'utf8')).trim());
}, 30_000);

afterAll(async () => {
  if (daemonPid) {
    try {
      process.kill(daemonPid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (root) await rm(root, { recursive: true, force: true });
});

function play(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('paplay', ['--device=them', file], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`paplay exited ${code}: ${err}`))));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(missing.length > 0)('ParecSource on a PulseAudio null sink', () => {
  it('captures played speech as gap-free frames that reproduce it (correlation >= 0.9)', async () => {
    const speech = synthesize(
      'System audio is the other side of the call. It must arrive intact.',
      VOICES[1]!,
    );
    // Play at 48 kHz so PulseAudio's own resampling to our 16 kHz is part of what is tested.
    const wavPath = join(root, 'speech48.wav');
    await writeFile(wavPath, writeWav(upsample(speech, 48000), 48000));

    const source = new ParecSource({ env });
    const frames: AudioFrame[] = [];
    const levels: Level[] = [];
    const errors: SourceError[] = [];
    source.on('level', (l) => levels.push(l));
    source.on('error', (e) => errors.push(e));
    await source.start((f) => frames.push(f));
    expect(source.deviceName).toBe('them.monitor'); // found through `pactl get-default-sink`
    await sleep(300); // capture first, or the start of playback is lost (TESTING.md)
    await play(wavPath);
    await sleep(300);
    await source.stop();

    expect(errors).toEqual([]);
    const gaps = new GapDetector();
    for (const f of frames) expect(gaps.push(f)).toBeNull();
    expect(frames[0]!.seq).toBe(0);
    const captured = concatFrames(frames);
    expect(captured.length).toBeGreaterThan(speech.length);
    // Align: find where the speech starts in the capture, then correlate over the whole utterance.
    const lag = bestLag(
      padTo(speech, captured.length),
      captured,
      0,
      speech.length,
      captured.length - speech.length,
    );
    expect(correlation(speech, captured, 0, lag, speech.length)).toBeGreaterThan(0.9);
    expect(Math.max(...levels.map((l) => l.rmsDbfs))).toBeGreaterThan(-30);
  }, 30_000);

  it('reports parec dying and restarts it, with the lost time visible as a seq gap', async () => {
    const source = new ParecSource({ env, device: 'them.monitor', restartDelayMs: 200 });
    const frames: AudioFrame[] = [];
    const errors: SourceError[] = [];
    source.on('error', (e) => errors.push(e));
    await source.start((f) => frames.push(f));
    await sleep(400);
    const firstPid = source.pid!;
    process.kill(firstPid, 'SIGKILL');
    await sleep(1200);
    expect(source.pid).toBeDefined();
    expect(source.pid).not.toBe(firstPid);
    await source.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'died', willRestart: true });
    expect(errors[0]!.message).toMatch(/parec on them\.monitor was killed by SIGKILL/);
    const gaps = new GapDetector();
    const events = frames.map((f) => gaps.push(f)).filter((e) => e !== null);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'gap' });
    expect(events[0]!.count).toBeGreaterThanOrEqual(5); // >= the 200 ms restart delay
  }, 30_000);
});

function padTo(x: Float32Array, n: number): Float32Array {
  const out = new Float32Array(Math.max(n, x.length));
  out.set(x);
  return out;
}

/** 16 kHz -> 48 kHz by zero-stuffing and a windowed-sinc low-pass (test-only; good enough to play). */
function upsample(x: Float32Array, rate: number): Float32Array {
  const factor = rate / 16000;
  const taps = 64 * factor + 1;
  const h = new Float32Array(taps);
  const mid = (taps - 1) / 2;
  for (let i = 0; i < taps; i++) {
    const t = (i - mid) / factor;
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1));
    h[i] = (t === 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t)) * w;
  }
  const y = new Float32Array(x.length * factor);
  for (let n = 0; n < y.length; n++) {
    let s = 0;
    for (let k = 0; k < taps; k++) {
      const j = n - k + mid;
      if (j % factor === 0 && j >= 0 && j / factor < x.length) s += h[k]! * x[j / factor]!;
    }
    y[n] = s;
  }
  return y;
}
