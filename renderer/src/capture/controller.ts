/**
 * The page's recording session, outside React: capture (MicCapture) -> batches (FrameSender) -> backend.
 * It lives as long as the window, not as long as the Live page, so switching to the Archive does not
 * stop a meeting. One controller per API connection (a test renders against its own fake).
 * The backend owns the meeting and the files; the controller owns the device and mirrors the backend's
 * state, level and warning events for its own session.
 */
import type { RecordingMode, RecordingWarningKind, Settings, VerbatimApi } from '../../../main/api';
import { FrameSender } from './frame-sender';
import { detectHeadphones } from './headphones';
import { listMicrophones, MicCapture, type CapturedFrame } from './mic-capture';
import { SystemCapture, SystemCaptureError, type SystemAudioFailure } from './system-capture';

export type RecorderPhase = 'idle' | 'starting' | 'recording' | 'paused' | 'stopping' | 'done' | 'error';

/** The backend's warning kinds plus what only the page knows about. */
export type WarningKind =
  RecordingWarningKind | 'device-restored' | 'orphan-closed' | 'system-ended' | 'headphones';

/**
 * System audio for the current (or last) meeting: 'off' when the setting is off, 'on' while its frames
 * flow; otherwise why the meeting records the microphone alone (message says it in words).
 */
export type SystemAudioStatus = 'off' | 'starting' | 'on' | 'ended' | SystemAudioFailure;

export interface SystemAudioState {
  status: SystemAudioStatus;
  message: string | null;
}

export interface StartOptions {
  /** 'live' transcribes while recording (the default); 'record-only' stores now, transcribes later. */
  mode?: RecordingMode;
  title?: string;
  /** Far-end speakers, when the user knows how many (end-of-meeting re-clustering uses it). */
  remoteSpeakers?: number;
}

/** The settings capture follows; read from the backend, kept current by 'settings.changed'. */
type CaptureSettings = Pick<
  Settings,
  'micDeviceId' | 'captureSystemAudio' | 'autoStopMinutes' | 'echoCancellation'
>;

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
  /** '' = the system default. Follows settings.micDeviceId. */
  deviceId: string;
  /** The running (or last) meeting's mode; null before the first start. */
  mode: RecordingMode | null;
  /** Latest system-audio RMS level, dBFS; null when not recording it. */
  systemLevelDb: number | null;
  systemAudio: SystemAudioState;
  /** False while the microphone is unplugged and a device is being sought (the system channel goes on). */
  micConnected: boolean;
  /** The microphone being recorded, as the OS names it ('' when not recording). */
  micLabel: string;
}

interface Running {
  sessionId: string;
  meetingId: number;
  capture: MicCapture;
  sender: FrameSender;
  system: SystemCapture | null;
  systemSender: FrameSender | null;
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
  mode: null,
  systemLevelDb: null,
  systemAudio: { status: 'off', message: null },
  micConnected: true,
  micLabel: '',
};

/** Until the backend answers (and if it cannot): the schema's defaults. */
const DEFAULT_CAPTURE: CaptureSettings = {
  micDeviceId: null,
  captureSystemAudio: true,
  autoStopMinutes: 15,
  echoCancellation: true,
};

export class RecordingController {
  private snapshot: RecorderSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private running: Running | null = null;
  private nextWarningId = 1;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private settings: CaptureSettings | null = null;
  private settingsLoad: Promise<void> | null = null;

  constructor(private readonly api: VerbatimApi) {
    api.on('recording.state', (s) => {
      const run = this.running;
      if (run && s.sessionId === run.sessionId && (s.state === 'done' || s.state === 'interrupted'))
        void this.endLocally(run);
    });
    api.on('recording.level', (l) => {
      if (l.sessionId !== this.running?.sessionId) return;
      if (l.channel === 'mic') this.set({ levelDb: l.rmsDb });
      else this.set({ systemLevelDb: l.rmsDb });
    });
    api.on('recording.warning', (w) => {
      if (w.sessionId === this.running?.sessionId) this.warn(w.kind, w.message);
    });
    api.on('settings.changed', (value) => this.applySettings(value));
    api.on('backend.connection', ({ state }) => {
      if (state !== 'disconnected') void this.loadSettings();
    });
    // Best effort on reload/close: end the session so the meeting is closed, not left 'recording'.
    globalThis.addEventListener?.('pagehide', () => {
      const run = this.running;
      if (run) void this.api.invoke('recording.stop', { sessionId: run.sessionId });
    });
    if (typeof navigator !== 'undefined' && navigator.mediaDevices) {
      navigator.mediaDevices.addEventListener('devicechange', () => void this.devicesChanged());
      void this.refreshDevices();
    }
    void this.loadSettings();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RecorderSnapshot => this.snapshot;

  /** Chooses the microphone ('' = system default) for the next meeting and keeps it in the settings. */
  setDeviceId(deviceId: string): void {
    this.set({ deviceId });
    if (this.settings) this.settings = { ...this.settings, micDeviceId: deviceId || null };
    void this.api.invoke('settings.set', { micDeviceId: deviceId || null });
  }

  /**
   * Opens the microphone (and system audio when the settings ask for it), then starts the backend's
   * session; frames captured meanwhile are kept. Call it from the click itself: getDisplayMedia needs the
   * click's user activation, so it is requested before anything is awaited (when settings are known).
   */
  async start(options: StartOptions = {}): Promise<void> {
    if (this.running || this.snapshot.phase === 'starting' || this.snapshot.phase === 'stopping') return;
    const mode = options.mode ?? 'live';
    this.set({
      phase: 'starting',
      error: null,
      warnings: [],
      elapsedMs: 0,
      levelDb: null,
      systemLevelDb: null,
      mode,
      micConnected: true,
      micLabel: '',
    });
    if (!this.settings) await this.loadSettings();
    const settings = this.settings ?? DEFAULT_CAPTURE;
    const origin = performance.now();
    let sender: FrameSender | null = null;
    let systemSender: FrameSender | null = null;
    // Frames captured while the session is being created are kept, not dropped: the first word said
    // right after clicking Record belongs in the recording.
    const early: CapturedFrame[] = [];
    const earlySystem: CapturedFrame[] = [];
    const systemStart = settings.captureSystemAudio
      ? this.startSystem(origin, (f) => (systemSender ? systemSender.push(f) : earlySystem.push(f)))
      : null;
    this.set({
      systemAudio: systemStart
        ? { status: 'starting', message: null }
        : { status: 'off', message: 'System audio is off in Settings.' },
    });
    let capture: MicCapture | null = null;
    try {
      capture = await MicCapture.start(
        this.snapshot.deviceId || undefined,
        {
          frame: (f) => (sender ? sender.push(f) : early.push(f)),
          deviceLost: (label) => {
            this.set({ micConnected: false, levelDb: null });
            this.warn(
              'device-lost',
              `${label || 'The microphone'} was disconnected. Recording goes on${this.running?.system ? ' (system audio too)' : ''} while the default microphone is tried.`,
            );
            void this.refreshDevices();
          },
          deviceRestored: (label) => {
            this.set({ micConnected: true, micLabel: label });
            this.warn('device-restored', `Recording from ${label || 'the default microphone'} again.`);
            void this.refreshDevices();
          },
          error: (message) => this.set({ error: message }),
        },
        () => performance.now() - origin,
      );
      this.set({ micLabel: capture.deviceLabel });
      // Device labels are readable only once permission was granted.
      void this.refreshDevices();
      const system = systemStart ? await systemStart : null;
      const headphones = settings.echoCancellation && mode === 'live' ? await detectHeadphones() : null;
      const started = await this.startSession(
        mode,
        { ...options, ...(headphones ? { echoCancellation: false } : {}) },
        settings,
      );
      if (!started.ok) throw new Error(started.error.message);
      const { sessionId, meetingId } = started.value;
      if (headphones) {
        this.warn(
          'headphones',
          `${headphones} looks like headphones: echo cancellation is off for this meeting.`,
        );
      }
      const timeBase = { t: null };
      const senderEvents = {
        failed: (e: { message: string }) => this.set({ error: `Audio could not be saved: ${e.message}` }),
        ended: () => void this.endLocally(run),
      };
      const run: Running = {
        sessionId,
        meetingId,
        capture,
        sender: new FrameSender(this.api, sessionId, senderEvents, 'mic', timeBase),
        system,
        systemSender: system ? new FrameSender(this.api, sessionId, senderEvents, 'system', timeBase) : null,
      };
      sender = run.sender;
      systemSender = run.systemSender;
      // Mic first: its first frame is the meeting's t 0.
      for (const f of early.splice(0)) sender.push(f);
      for (const f of earlySystem.splice(0)) systemSender?.push(f);
      this.running = run;
      this.set({ phase: 'recording', meetingId });
      this.ticker = setInterval(() => {
        if (this.running) this.set({ elapsedMs: recordedFrames(this.running) * 20 });
      }, 250);
    } catch (e) {
      await capture?.stop();
      await systemStart?.then((s) => s?.stop());
      this.set({
        phase: 'error',
        error: startError(e),
        micConnected: true,
        systemAudio: { status: 'off', message: null },
      });
    }
  }

  async pause(): Promise<void> {
    const run = this.running;
    if (!run || this.snapshot.phase !== 'recording') return;
    run.sender.setPaused(true);
    run.systemSender?.setPaused(true);
    const r = await this.api.invoke('recording.pause', { sessionId: run.sessionId });
    if (r.ok) this.set({ phase: 'paused', levelDb: null, systemLevelDb: null });
    else this.set({ error: r.error.message });
  }

  async resume(): Promise<void> {
    const run = this.running;
    if (!run || this.snapshot.phase !== 'paused') return;
    const r = await this.api.invoke('recording.resume', { sessionId: run.sessionId });
    if (!r.ok) return this.set({ error: r.error.message });
    run.sender.setPaused(false);
    run.systemSender?.setPaused(false);
    this.set({ phase: 'recording' });
  }

  async stop(): Promise<void> {
    const run = this.running;
    if (!run) return;
    this.running = null;
    this.set({ phase: 'stopping' });
    await Promise.all([run.capture.stop(), run.system?.stop()]);
    await Promise.all([run.sender.close(), run.systemSender?.close()]);
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
   * Starts system capture; resolves to null (and says why in the state) when it is refused or
   * unsupported: the meeting then records the microphone alone.
   */
  private startSystem(origin: number, frame: (f: CapturedFrame) => void): Promise<SystemCapture | null> {
    let capture: SystemCapture | null = null;
    return SystemCapture.start(
      {
        frame,
        ended: (label) => {
          // Frames stop with the track; the microphone goes on.
          if (this.running?.system !== capture) return;
          this.set({
            systemAudio: {
              status: 'ended',
              message: 'System audio stopped; the microphone is still recorded.',
            },
            systemLevelDb: null,
          });
          this.warn(
            'system-ended',
            `System audio${label ? ` (${label})` : ''} stopped. The microphone is still being recorded.`,
          );
        },
        error: (message) => this.set({ error: message }),
      },
      () => performance.now() - origin,
    ).then(
      (started) => {
        capture = started;
        this.set({ systemAudio: { status: 'on', message: null } });
        return started;
      },
      (error: unknown) => {
        const failure =
          error instanceof SystemCaptureError
            ? error
            : new SystemCaptureError('error', `System audio could not start: ${String(error)}`);
        this.set({
          systemAudio: {
            status: failure.reason,
            message: `${failure.message} Recording the microphone only.`,
          },
        });
        return null;
      },
    );
  }

  /**
   * Capture lives in this window only, so a session the backend still runs when this window has none is
   * an orphan of a reload or a renderer crash: it is closed (its audio kept) and a new one started.
   */
  private async startSession(
    mode: RecordingMode,
    { title, remoteSpeakers, echoCancellation }: StartOptions & { echoCancellation?: boolean },
    settings: CaptureSettings,
  ) {
    const params = {
      mode,
      autoStopMs: settings.autoStopMinutes * 60_000,
      ...(title?.trim() ? { title: title.trim() } : {}),
      ...(remoteSpeakers === undefined ? {} : { remoteSpeakers }),
      ...(echoCancellation === undefined ? {} : { echoCancellation }),
    };
    const started = await this.api.invoke('recording.start', params);
    if (started.ok || started.error.code !== 'INVALID_PARAMS') return started;
    const status = await this.api.invoke('recording.status', {});
    const orphan = status.ok ? status.value.session : null;
    if (!orphan) return started;
    await this.api.invoke('recording.stop', { sessionId: orphan.sessionId }, { timeoutMs: 10 * 60_000 });
    this.warn(
      'orphan-closed',
      `A recording left running when the window was reloaded was closed and kept as its own meeting.`,
    );
    return this.api.invoke('recording.start', params);
  }

  /** The backend ended the session itself (auto-stop, a write failure, shutdown). */
  private async endLocally(run: Running): Promise<void> {
    if (this.running !== run) return;
    this.running = null;
    await Promise.all([run.capture.stop(), run.system?.stop()]);
    this.stopTicker(run);
    this.set({ phase: 'done' });
  }

  private stopTicker(run: Running): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    this.set({ elapsedMs: recordedFrames(run) * 20, levelDb: null, systemLevelDb: null });
  }

  private warn(kind: WarningKind, message: string): void {
    const warning = { id: this.nextWarningId++, kind, message };
    this.set({ warnings: [...this.snapshot.warnings.slice(-9), warning] });
  }

  private async loadSettings(): Promise<void> {
    this.settingsLoad ??= this.api.invoke('settings.get', {}).then((r) => {
      this.settingsLoad = null;
      if (r.ok) this.applySettings(r.value);
    });
    return this.settingsLoad;
  }

  private applySettings(value: CaptureSettings): void {
    const { micDeviceId, captureSystemAudio, autoStopMinutes, echoCancellation } = value;
    this.settings = { micDeviceId, captureSystemAudio, autoStopMinutes, echoCancellation };
    if ((micDeviceId ?? '') !== this.snapshot.deviceId) this.set({ deviceId: micDeviceId ?? '' });
  }

  /** 'devicechange': refresh the list; a running microphone checks whether its device is gone or back. */
  private async devicesChanged(): Promise<void> {
    const inputs = await this.refreshDevices();
    this.running?.capture.devicesChanged(inputs);
  }

  /** Re-reads the device list (labels appear once a microphone permission was granted). */
  async refreshDevices(): Promise<MediaDeviceInfo[]> {
    try {
      const devices = await listMicrophones();
      this.set({
        microphones: devices
          .filter((d) => d.deviceId !== 'default' && d.deviceId !== '')
          .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` })),
      });
      return devices;
    } catch {
      this.set({ microphones: [] });
      return [];
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

/** Recorded time follows the longer channel (either may have been cut short by an unplug). */
function recordedFrames(run: Running): number {
  return Math.max(run.sender.framesSent, run.systemSender?.framesSent ?? 0);
}

function startError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError') return 'Microphone access was refused. Allow it in the system settings.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found (or the chosen one is gone).';
  return `Recording could not start: ${e instanceof Error ? e.message : String(e)}`;
}
