/**
 * Native Linux system audio: `parec` recording the default sink's monitor (what the speakers play),
 * as raw 16 kHz mono s16le so PulseAudio/PipeWire-pulse does the resampling and downmix. Runs in the
 * backend (or main) as a child process; frames follow the app format. Failures are loud: a missing
 * binary is an error naming the package, a dying parec is reported and restarted with a gap in seq.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { AudioChannel, AudioFrame } from '../frames';
import { Framer, SAMPLE_RATE } from '../frames';
import { LevelMeter } from '../level';
import type { AudioSource, AudioSourceEvents, Listener } from './types';
import { SourceEvents } from './types';

export interface ParecSourceOptions {
  channel?: AudioChannel;
  /** PulseAudio source name; default: `<default sink>.monitor`. */
  device?: string;
  parecPath?: string;
  pactlPath?: string;
  /** Environment for parec/pactl (PULSE_SERVER, PULSE_RUNTIME_PATH, ...); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** parec's requested latency: smaller = steadier frame delivery, more wakeups. */
  latencyMs?: number;
  maxRestarts?: number;
  restartDelayMs?: number;
  /**
   * PulseAudio sends nothing from the monitor of an idle (suspended) sink. After this long without data
   * the source emits digital silence up to the present, so the channel stays in step with wall time
   * and the mic; that silence is true (nothing was playing). Default 250 ms.
   */
  stallMs?: number;
  /** Monotonic clock in ms (injectable for tests). */
  now?: () => number;
}

const missingTool = (tool: string) =>
  `${tool} is not installed: system audio capture on Linux needs it (Debian/Ubuntu: apt-get install pulseaudio-utils)`;

function runTool(path: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === 'ENOENT' ? missingTool(path) : `${path} failed to start: ${e.message}`)),
    );
    child.on('close', (code) =>
      code === 0
        ? resolve(out.trim())
        : reject(new Error(`${path} ${args.join(' ')} exited ${code}: ${err.trim()}`)),
    );
  });
}

/** The monitor source of the default sink: what the user hears, i.e. the other side of the call. */
export async function defaultMonitorSource(
  pactlPath = 'pactl',
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const sink = await runTool(pactlPath, ['get-default-sink'], env);
  if (!sink) throw new Error('PulseAudio has no default sink: no system audio to capture');
  return `${sink}.monitor`;
}

/** s16le bytes -> float samples, carrying an odd trailing byte into the next chunk (pipes split anywhere). */
export class S16Decoder {
  private carry: number | null = null;

  decode(chunk: Buffer): Float32Array {
    let bytes = chunk;
    if (this.carry !== null) {
      bytes = Buffer.concat([Buffer.from([this.carry]), chunk]);
      this.carry = null;
    }
    const n = bytes.length >> 1;
    if (bytes.length & 1) this.carry = bytes[bytes.length - 1]!;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2) / 32768;
    return out;
  }
}

export class ParecSource implements AudioSource {
  readonly channel: AudioChannel;
  private readonly options: ParecSourceOptions;
  private readonly events = new SourceEvents();
  private readonly now: () => number;
  private child: ChildProcess | null = null;
  private framer: Framer | null = null;
  private meter = new LevelMeter();
  private onFrame: ((frame: AudioFrame) => void) | null = null;
  private stopping = false;
  private restarts = 0;
  private device = '';
  private stderrTail = '';
  private restartTimer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  private stalled = false;

  constructor(options: ParecSourceOptions = {}) {
    this.options = options;
    this.channel = options.channel ?? 'system';
    this.now = options.now ?? (() => performance.now());
  }

  on<K extends keyof AudioSourceEvents>(event: K, listener: Listener<AudioSourceEvents[K]>): () => void {
    return this.events.on(event, listener);
  }

  /** The running parec's pid (diagnostics, tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get deviceName(): string {
    return this.device;
  }

  async start(onFrame: (frame: AudioFrame) => void): Promise<void> {
    if (this.child) throw new Error('parec source already started');
    const env = this.options.env ?? process.env;
    this.onFrame = onFrame;
    this.stopping = false;
    this.device = this.options.device ?? (await defaultMonitorSource(this.options.pactlPath, env));
    this.t0 = this.now();
    this.framer = new Framer({ channel: this.channel, epochMs: Date.now(), startT: 0 });
    await this.spawnParec(env);
    this.stallTimer = setInterval(() => this.fillStall(), 50);
  }

  private readonly emit = (frame: AudioFrame): void => {
    const level = this.meter.push(frame);
    if (level) this.events.emit('level', level);
    this.onFrame?.(frame);
  };

  private fillStall(): void {
    // While parec is down (restart pending) audio is lost, not silent: that shows as a seq gap instead.
    if (!this.child || !this.framer) return;
    const stallMs = this.options.stallMs ?? 250;
    const behindMs = this.now() - this.t0 - this.framer.clockT;
    // Once stalled, keep pacing silence every tick (not in stallMs bursts) until parec sends data again.
    if (!this.stalled && behindMs < stallMs) return;
    this.stalled = true;
    // Stop short of "now" by parec's latency, so data already in flight does not land in the future.
    const fillMs = behindMs - (this.options.latencyMs ?? 20) * 2;
    if (fillMs <= 0) return;
    this.framer.push(new Float32Array(Math.floor((fillMs * SAMPLE_RATE) / 1000)), this.emit);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private spawnParec(env: NodeJS.ProcessEnv): Promise<void> {
    const args = [
      `--device=${this.device}`,
      '--format=s16le',
      `--rate=${SAMPLE_RATE}`,
      '--channels=1',
      '--raw',
      `--latency-msec=${this.options.latencyMs ?? 20}`,
      '--client-name=Verbatim',
      '--stream-name=System audio',
    ];
    const parecPath = this.options.parecPath ?? 'parec';
    const child = spawn(parecPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const decoder = new S16Decoder();
    this.stderrTail = '';
    child.stderr!.on(
      'data',
      (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-2000)),
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      this.stalled = false;
      this.framer!.push(decoder.decode(chunk), this.emit);
    });
    return new Promise<void>((resolve, reject) => {
      let started = false;
      child.once('spawn', () => {
        started = true;
        resolve();
      });
      child.once('error', (e: NodeJS.ErrnoException) => {
        if (started) return;
        this.child = null;
        const message =
          e.code === 'ENOENT' ? missingTool(parecPath) : `${parecPath} failed to start: ${e.message}`;
        this.events.emit('error', {
          code: e.code === 'ENOENT' ? 'missing-tool' : 'failed',
          message,
          willRestart: false,
        });
        reject(new Error(message));
      });
      child.once('close', (code, signal) => {
        if (this.child === child) this.child = null;
        if (!started) return;
        this.onExit(code, signal, env);
      });
    });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null, env: NodeJS.ProcessEnv): void {
    if (this.stopping) {
      this.events.emit('ended', { reason: 'stopped' });
      return;
    }
    const maxRestarts = this.options.maxRestarts ?? 3;
    const willRestart = this.restarts < maxRestarts;
    const why = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const detail = this.stderrTail.trim()
      ? `: ${this.stderrTail.trim().split('\n').slice(-3).join(' | ')}`
      : '';
    this.events.emit('error', {
      code: 'died',
      message: `parec on ${this.device} ${why}${detail}`,
      willRestart,
    });
    if (!willRestart) {
      if (this.stallTimer) clearInterval(this.stallTimer);
      this.events.emit('ended', { reason: 'failed' });
      return;
    }
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      // Audio is lost while parec is down: jump seq by the lost time so the gap is visible downstream.
      this.framer!.resync(this.now() - this.t0);
      this.spawnParec(env).catch(() => this.events.emit('ended', { reason: 'failed' }));
    }, this.options.restartDelayMs ?? 500);
  }
}
