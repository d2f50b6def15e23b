/**
 * The page's recording session, outside React: capture (MicCapture) -> batches (FrameSender) -> backend.
 * It lives as long as the window, not as long as the Live page, so switching to the Archive does not
 * stop a meeting. One controller per API connection (a test renders against its own fake).
 * The backend owns the meeting and the files; the controller owns the device and mirrors the backend's
 * state, level and warning events for its own session.
 */
import type { RecordingWarningKind, VerbatimApi } from '../../../main/api';
import { FrameSender } from './frame-sender';
import { listMicrophones, MicCapture, type CapturedFrame } from './mic-capture';

export type RecorderPhase = 'idle' | 'starting' | 'recording' | 'paused' | 'stopping' | 'done' | 'error';

/** The backend's warning kinds plus what only the page knows about. */
export type WarningKind = RecordingWarningKind | 'device-restored' | 'orphan-closed';

export interface RecordingWarning {
  id: number;
  kind: WarningKind;
  message: string;
}

export interface Microphone {
  deviceId: string;
  label: string;
}

export interface RecorderSnapshot {
  phase: RecorderPhase;
  /** Recorded time (paused time and lost audio excluded), ms. */
  elapsedMs: number;
  /** Latest microphone RMS level from the backend's meter, dBFS; null when not recording. */
  levelDb: number | null;
  warnings: RecordingWarning[];
  error: string | null;
  /** The meeting being (or last) recorded. */
  meetingId: number | null;
  microphones: Microphone[];
  /** '' = the system default. */
  deviceId: string;
}

interface Running {
  sessionId: string;
  meetingId: number;
  capture: MicCapture;
  sender: FrameSender;
}

const INITIAL: RecorderSnapshot = {
  phase: 'idle',
  elapsedMs: 0,
  levelDb: null,
  warnings: [],
  error: null,
  meetingId: null,
  microphones: [],
  deviceId: '',
};

export class RecordingController {
  private snapshot: RecorderSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private running: Running | null = null;
  private nextWarningId = 1;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly api: VerbatimApi) {
    api.on('recording.state', (s) => {
      const run = this.running;
      if (run && s.sessionId === run.sessionId && (s.state === 'done' || s.state === 'interrupted'))
        void this.endLocally(run);
    });
    api.on('recording.level', (l) => {
      if (l.channel === 'mic' && l.sessionId === this.running?.sessionId) this.set({ levelDb: l.rmsDb });
    });
    api.on('recording.warning', (w) => {
      if (w.sessionId === this.running?.sessionId) this.warn(w.kind, w.message);
    });
    // Best effort on reload/close: end the session so the meeting is closed, not left 'recording'.
    globalThis.addEventListener?.('pagehide', () => {
      const run = this.running;
      if (run) void this.api.invoke('recording.stop', { sessionId: run.sessionId });
    });
    if (typeof navigator !== 'undefined' && navigator.mediaDevices) {
      navigator.mediaDevices.addEventListener('devicechange', () => void this.refreshDevices());
      void this.refreshDevices();
    }
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RecorderSnapshot => this.snapshot;

  setDeviceId(deviceId: string): void {
    this.set({ deviceId });
  }

  async start(): Promise<void> {
    if (this.running || this.snapshot.phase === 'starting' || this.snapshot.phase === 'stopping') return;
    this.set({ phase: 'starting', error: null, warnings: [], elapsedMs: 0, levelDb: null });
    let sender: FrameSender | null = null;
    // Frames captured while the session is being created are kept, not dropped: the first word said
    // right after clicking Record belongs in the recording.
    const early: CapturedFrame[] = [];
    let capture: MicCapture | null = null;
    try {
      capture = await MicCapture.start(this.snapshot.deviceId || undefined, {
        frame: (f) => (sender ? sender.push(f) : early.push(f)),
        deviceLost: (label) =>
          this.warn(
            'device-lost',
            `${label || 'The microphone'} was disconnected. Recording goes on with silence while the default microphone is tried.`,
          ),
        deviceRestored: (label) => {
          this.warn('device-restored', `Recording from ${label || 'the default microphone'} again.`);
          void this.refreshDevices();
        },
        error: (message) => this.set({ error: message }),
      });
      // Device labels are readable only once permission was granted.
      void this.refreshDevices();
      const started = await this.startSession();
      if (!started.ok) throw new Error(started.error.message);
      const { sessionId, meetingId } = started.value;
      const run: Running = {
        sessionId,
        meetingId,
        capture,
        sender: new FrameSender(this.api, sessionId, {
          failed: (e) => this.set({ error: `Audio could not be saved: ${e.message}` }),
          ended: () => void this.endLocally(run),
        }),
      };
      sender = run.sender;
      for (const f of early.splice(0)) sender.push(f);
      this.running = run;
      this.set({ phase: 'recording', meetingId });
      this.ticker = setInterval(() => {
        if (this.running) this.set({ elapsedMs: this.running.sender.framesSent * 20 });
      }, 250);
    } catch (e) {
      await capture?.stop();
      this.set({ phase: 'error', error: startError(e) });
    }
  }

  async pause(): Promise<void> {
    const run = this.running;
    if (!run || this.snapshot.phase !== 'recording') return;
    run.sender.setPaused(true);
    const r = await this.api.invoke('recording.pause', { sessionId: run.sessionId });
    if (r.ok) this.set({ phase: 'paused', levelDb: null });
    else this.set({ error: r.error.message });
  }

  async resume(): Promise<void> {
    const run = this.running;
    if (!run || this.snapshot.phase !== 'paused') return;
    const r = await this.api.invoke('recording.resume', { sessionId: run.sessionId });
    if (!r.ok) return this.set({ error: r.error.message });
    run.sender.setPaused(false);
    this.set({ phase: 'recording' });
  }

  async stop(): Promise<void> {
    const run = this.running;
    if (!run) return;
    this.running = null;
    this.set({ phase: 'stopping' });
    await run.capture.stop();
    await run.sender.close();
    this.stopTicker(run);
    // Generous: compacting a long meeting to MP3 takes a while.
    const r = await this.api.invoke(
      'recording.stop',
      { sessionId: run.sessionId },
      { timeoutMs: 10 * 60_000 },
    );
    this.set({ phase: 'done', ...(r.ok ? {} : { error: r.error.message }) });
  }

  /**
   * Capture lives in this window only, so a session the backend still runs when this window has none is
   * an orphan of a reload or a renderer crash: it is closed (its audio kept) and a new one started.
   */
  private async startSession() {
    const started = await this.api.invoke('recording.start', { mode: 'record-only' });
    if (started.ok || started.error.code !== 'INVALID_PARAMS') return started;
    const status = await this.api.invoke('recording.status', {});
    const orphan = status.ok ? status.value.session : null;
    if (!orphan) return started;
    await this.api.invoke('recording.stop', { sessionId: orphan.sessionId }, { timeoutMs: 10 * 60_000 });
    this.warn(
      'orphan-closed',
      `A recording left running when the window was reloaded was closed and kept as its own meeting.`,
    );
    return this.api.invoke('recording.start', { mode: 'record-only' });
  }

  /** The backend ended the session itself (auto-stop, a write failure, shutdown). */
  private async endLocally(run: Running): Promise<void> {
    if (this.running !== run) return;
    this.running = null;
    await run.capture.stop();
    this.stopTicker(run);
    this.set({ phase: 'done' });
  }

  private stopTicker(run: Running): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.set({ elapsedMs: run.sender.framesSent * 20, levelDb: null });
  }

  private warn(kind: WarningKind, message: string): void {
    const warning = { id: this.nextWarningId++, kind, message };
    this.set({ warnings: [...this.snapshot.warnings.slice(-9), warning] });
  }

  private async refreshDevices(): Promise<void> {
    try {
      const devices = await listMicrophones();
      this.set({
        microphones: devices
          .filter((d) => d.deviceId !== 'default' && d.deviceId !== '')
          .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` })),
      });
    } catch {
      this.set({ microphones: [] });
    }
  }

  private set(patch: Partial<RecorderSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of this.listeners) listener();
  }
}

const controllers = new WeakMap<VerbatimApi, RecordingController>();

export function recordingControllerFor(api: VerbatimApi): RecordingController {
  let c = controllers.get(api);
  if (!c) controllers.set(api, (c = new RecordingController(api)));
  return c;
}

function startError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError') return 'Microphone access was refused. Allow it in the system settings.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found (or the chosen one is gone).';
  return `Recording could not start: ${e instanceof Error ? e.message : String(e)}`;
}
