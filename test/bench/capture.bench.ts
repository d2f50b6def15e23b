/**
 * Capture path cost and steadiness (issue 4 closing note):
 *  - CPU seconds per hour of audio for the Node side of capture: 48 kHz stereo chunks -> libsamplerate
 *    -> 20 ms frames -> level meter -> crash-safe recorder append + flushes, fed as fast as possible;
 *    and the same for a 16 kHz mono native source (parec: no resampling).
 *  - End-of-meeting compaction speed (MP3 encode + verify), as a ratio to real time.
 *  - Frame jitter p99 of the parec source on a private PulseAudio null sink, when installed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compactRecording } from '../../main/audio/compact';
import type { AudioFrame } from '../../main/audio/frames';
import { Framer } from '../../main/audio/frames';
import { LevelMeter } from '../../main/audio/level';
import { ChannelRecorder } from '../../main/audio/recorder';
import { createResampler } from '../../main/audio/resample';
import { ParecSource } from '../../main/audio/sources/parec';
import { writeWav } from '../../main/audio/wav';
import { methods } from '../../main/api';
import type { CapturedFrame } from '../../renderer/src/capture/protocol';
import { Resampler } from '../../renderer/src/capture/resampler';
import { FrameClock } from '../../renderer/src/capture/track-reader';
import type { BenchBudget, BenchReport } from './run';

const AUDIO_SECONDS = 120;

/** Speech-like test signal: a pitch-modulated harmonic stack with syllable-rate amplitude modulation. */
function signal(rate: number, seconds: number, channels: number): Float32Array {
  const n = rate * seconds;
  const out = new Float32Array(n * channels);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / rate;
    phase += (2 * Math.PI * (120 + 30 * Math.sin(2 * Math.PI * 0.7 * t))) / rate;
    const env = 0.5 + 0.5 * Math.sin(2 * Math.PI * 4 * t);
    const v = 0.2 * env * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(5 * phase));
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

async function capturePath(dir: string, rate: number, channels: number): Promise<number> {
  const input = signal(rate, AUDIO_SECONDS, channels);
  const resampler = await createResampler({ inputRate: rate, channels });
  const framer = new Framer({ channel: 'mic' });
  const meter = new LevelMeter();
  const recorder = await ChannelRecorder.create({ path: join(dir, `capture-${rate}-${channels}.wav`) });
  const onFrame = (f: AudioFrame) => {
    meter.push(f);
    recorder.append(f);
  };
  const chunk = (rate / 100) * channels; // 10 ms chunks, like a worklet or a pipe read
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < input.length; i += chunk) {
    framer.push(resampler.process(input.subarray(i, i + chunk)), onFrame);
    // A flush per 250 ms of audio, as the recorder's timer does live.
    if (i % (chunk * 25) === 0) await recorder.flush();
  }
  framer.push(resampler.flush(), onFrame);
  await recorder.close();
  const cpu = process.cpuUsage(cpu0);
  resampler.destroy();
  return ((cpu.user + cpu.system) / 1e6) * (3600 / AUDIO_SECONDS);
}

/**
 * The renderer half of the Chromium path, per channel: 10 ms AudioData chunks at 48 kHz -> the page's
 * windowed-sinc resampler -> FrameClock (20 ms frames) in the page; then the wire: FrameSender's batches
 * of 5 frames as number arrays, JSON (the dev bridge; Electron's structured clone is cheaper) and the
 * backend's contract validation of 'recording.frames'. CPU seconds per hour of audio for each half.
 */
function rendererPath(): { page: number; wire: number } {
  const input = signal(48000, AUDIO_SECONDS, 1);
  const resampler = new Resampler(48000);
  const frames: CapturedFrame[] = [];
  const clock = new FrameClock((f) => frames.push(f));
  const chunk = 480;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < input.length; i += chunk) clock.push(resampler.push(input.subarray(i, i + chunk)));
  const cpu1 = process.cpuUsage(cpu0);
  const schema = methods['recording.frames'].params;
  const cpu2 = process.cpuUsage();
  for (let i = 0; i < frames.length; i += 5) {
    const batch = frames.slice(i, i + 5).map((f) => ({ seq: f.seq, t: f.t, samples: Array.from(f.samples) }));
    const wire = JSON.stringify({ sessionId: 'bench', channel: 'mic', frames: batch });
    schema.parse(JSON.parse(wire));
  }
  const cpu3 = process.cpuUsage(cpu2);
  const perHour = (c: NodeJS.CpuUsage) => ((c.user + c.system) / 1e6) * (3600 / AUDIO_SECONDS);
  return { page: perHour(cpu1), wire: perHour(cpu3) };
}

async function compaction(dir: string): Promise<number> {
  const path = join(dir, 'compact.wav');
  await writeFile(path, writeWav(signal(16000, 60, 1), 16000));
  const started = performance.now();
  await compactRecording(path);
  return 60_000 / (performance.now() - started);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

async function parecJitter(
  dir: string,
): Promise<{ p50: number; p99: number; max: number; frames: number } | string> {
  const missing = ['pulseaudio', 'parec', 'paplay'].filter(
    (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status,
  );
  if (missing.length) return `${missing.join(', ')} not installed`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: join(dir, 'home'),
    PULSE_RUNTIME_PATH: join(dir, 'run'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  await mkdir(env.HOME!, { recursive: true });
  await mkdir(env.PULSE_RUNTIME_PATH!, { recursive: true });
  const pa = spawnSync(
    'pulseaudio',
    [
      '-n',
      '-D',
      '--exit-idle-time=-1',
      '--load=module-native-protocol-unix',
      '--load=module-null-sink sink_name=them',
    ],
    { env, encoding: 'utf8' },
  );
  if (pa.status !== 0) return `pulseaudio did not start: ${pa.stderr.trim()}`;
  const daemonPid = Number((await readFile(join(env.PULSE_RUNTIME_PATH!, 'pid'), 'utf8')).trim());
  try {
    const wav = join(dir, 'tone.wav');
    await writeFile(wav, writeWav(signal(48000, 10, 2), 48000, 2));
    const source = new ParecSource({ env, device: 'them.monitor' });
    const arrivals: Array<[number, number]> = [];
    await source.start((f) => arrivals.push([f.seq, performance.now()]));
    const playStart = performance.now();
    await new Promise<void>((resolve) =>
      spawn('paplay', ['--device=them', wav], { env, stdio: 'ignore' }).on('close', () => resolve()),
    );
    const playEnd = performance.now();
    await source.stop();
    // Jitter: arrival time minus the frame's ideal time on a 20 ms grid, relative to the median offset.
    // Only while audio plays: before that the sink is idle and the source's stall filler paces frames.
    const offsets = arrivals
      .filter(([, at]) => at > playStart + 1000 && at < playEnd - 500)
      .map(([seq, at]) => at - seq * 20);
    const median = percentile(offsets, 50);
    const dev = offsets.map((o) => Math.abs(o - median));
    return {
      p50: percentile(dev, 50),
      p99: percentile(dev, 99),
      max: Math.max(...dev),
      frames: offsets.length,
    };
  } finally {
    process.kill(daemonPid, 'SIGTERM');
  }
}

export async function run(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'verbatim-capture-bench-'));
  try {
    const chromiumLike = await capturePath(dir, 48000, 2);
    const native16k = await capturePath(dir, 16000, 1);
    const renderer = rendererPath();
    const compactX = await compaction(dir);
    const jitter = await parecJitter(dir);
    const figures: BenchReport['figures'] = {
      'capture.cpuSecPerHour.48kStereo': chromiumLike,
      'capture.cpuPercentOneCore.48kStereo': (chromiumLike / 3600) * 100,
      'capture.cpuSecPerHour.16kMono': native16k,
      'capture.cpuSecPerHour.pageResampleFrame48k': renderer.page,
      'capture.cpuSecPerHour.wireJsonValidate': renderer.wire,
      'compaction.xRealtime': compactX,
    };
    const notes = [
      `Chromium path per channel = page (track chunks -> windowed-sinc resampler -> 20 ms frames) + wire (batches of 5 as JSON number arrays + contract validation), then the Node path below`,
      `capture path = resample (libsamplerate WASM, medium) + framing + level meter + recorder append/flush, ${AUDIO_SECONDS} s of audio fed as fast as possible`,
    ];
    const budgets: BenchBudget[] = [
      // Two channels must leave the two cores to VAD + ASR: <= 5% of one core per channel.
      {
        name: 'capture CPU per channel-hour (48 kHz stereo in)',
        value: chromiumLike,
        limit: 180,
        kind: 'max',
        unit: 's',
      },
    ];
    if (typeof jitter === 'string') {
      notes.push(`parec jitter not measured: ${jitter}`);
    } else {
      figures['parec.jitterP50Ms'] = jitter.p50;
      figures['parec.jitterP99Ms'] = jitter.p99;
      figures['parec.jitterMaxMs'] = jitter.max;
      figures['parec.frames'] = jitter.frames;
      notes.push(
        'parec jitter = |arrival - ideal 20 ms grid - median offset| on a private null sink, 10 s playback',
      );
      budgets.push({ name: 'parec frame jitter p99', value: jitter.p99, limit: 60, kind: 'max', unit: 'ms' });
    }
    return { figures, budgets, notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
