/**
 * Live transcription next to a recording (issue 8): loads the meeting's engines, runs a LiveSession on the
 * recording's meeting and sends its events as transcript.* events. The recorder never waits for it: frames are
 * handed over synchronously (the session queues them, never dropping any), frames that arrive while the engines
 * load or while a pause/resume is being applied wait in a local queue, and a failing pipeline only turns
 * transcription off. The audio is the recorder's job; the meeting row is the recording handler's (the session
 * runs with manageMeetingStatus: false).
 */
import type { AudioFrame } from '../../audio/frames';
import { createSession, resolveRecognizers, type LiveSession, type SessionEvent } from '../../pipeline';
import type { Store } from '../../store';
import type { BackendContext } from '../context';
import { NO_ASR_NOTE } from '../engines/select';
import type { LoadedEngines } from '../engines/types';

export interface LiveTranscriberOptions {
  store: Store;
  meetingId: number;
  loadEngines: BackendContext['loadEngines'];
  settings: {
    language: string;
    vocabulary: readonly string[];
    echoCancellation: boolean;
    localSpeakerName: string;
  };
  /** The user's count of far-end speakers, for end-of-meeting re-clustering. */
  remoteSpeakers?: number;
  emit: BackendContext['emit'];
  log: BackendContext['log'];
  /** The transcription stopped or never started (no model, load failure, pipeline error): record only. */
  onRecordOnly?(reason: string): void;
}

/** 'live' while a session transcribes; 'record-only' once it is known that nothing will be transcribed. */
export type LiveMode = 'live' | 'record-only';

const isAsrNote = (note: string): boolean => /speech-recognition/.test(note);

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class LiveTranscriber {
  private session: LiveSession | null = null;
  private loaded: LoadedEngines | null = null;
  /** Frames waiting for the session (engines loading, or a resume not applied yet). */
  private pending: AudioFrame[] = [];
  /** What the recording wants: frames are accepted only while it is recording. */
  private accepting = true;
  private off = false;
  private control: Promise<void>;
  private modeValue: LiveMode = 'live';
  private messageValue: string | null = null;
  private lastCaptureMs = 0;
  /** The loader's notes go out once, with the first 'recording' status (not again at every resume). */
  private notesSent = false;
  /**
   * Resolves once it is known whether this meeting will be transcribed: when the installed models are
   * resolved (before the slow part, loading them), or when the load ends, whichever is first.
   */
  readonly planned: Promise<void>;
  private markPlanned!: () => void;

  constructor(private readonly options: LiveTranscriberOptions) {
    this.planned = new Promise((resolve) => (this.markPlanned = resolve));
    this.control = this.load()
      .catch((error: unknown) => this.fail(error))
      .finally(() => this.markPlanned());
  }

  get mode(): LiveMode {
    return this.modeValue;
  }

  /** Why the meeting is not transcribed (or what is degraded), for the start reply; null when all is well. */
  get message(): string | null {
    return this.messageValue;
  }

  /** Resolves once the engines are loaded and the session runs (or transcription is known to be off). */
  get ready(): Promise<void> {
    return this.control;
  }

  /** A frame the recorder accepted. Never blocks, never throws. */
  pushFrame(frame: AudioFrame): void {
    if (this.off || !this.accepting) return;
    const session = this.session;
    if (session && session.state === 'recording' && this.pending.length === 0) {
      try {
        session.pushFrame(frame);
      } catch (error) {
        this.fail(error);
      }
      return;
    }
    this.pending.push(frame);
  }

  /** Pause flushes: everything heard before the pause is committed. */
  pause(): Promise<void> {
    this.accepting = false;
    return this.enqueue(async (s) => {
      if (s.state === 'recording') await s.pause();
    });
  }

  resume(): Promise<void> {
    this.accepting = true;
    return this.enqueue(async (s) => {
      if (s.state === 'paused') s.resume();
    });
  }

  /** Commits the last words (and re-clusters the speakers), then frees the engines. */
  async stop(): Promise<void> {
    this.accepting = false;
    await this.enqueue(async (s) => {
      if (s.state === 'recording' || s.state === 'paused') await s.stop();
    });
    await this.release();
  }

  private async release(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = null;
    this.session = null;
    await loaded?.release().catch((error) => this.options.log('releasing engines failed', errorText(error)));
  }

  /** Control operations run one after another, after the engines loaded; a failed one turns transcription off. */
  private enqueue(op: (session: LiveSession) => Promise<void>): Promise<void> {
    this.control = this.control.then(async () => {
      const s = this.session;
      if (!s || this.off) return;
      try {
        await op(s);
      } catch (error) {
        this.fail(error);
      }
      this.drainPending();
    });
    return this.control;
  }

  private drainPending(): void {
    const s = this.session;
    if (!s || this.off || s.state !== 'recording' || this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    try {
      for (const f of frames) s.pushFrame(f);
    } catch (error) {
      this.fail(error);
    }
  }

  private async load(): Promise<void> {
    const { settings, meetingId } = this.options;
    let loaded: LoadedEngines;
    try {
      loaded = await this.options.loadEngines({
        language: settings.language,
        hotwords: settings.vocabulary,
        echoCancellation: settings.echoCancellation,
        onPlan: (plan) => {
          // Known before any model loads: say it now, and skip the session once the load returns.
          if (!plan.asr) this.recordOnly('no-asr-model', plan.notes.find(isAsrNote) ?? NO_ASR_NOTE);
          else if (plan.notes.length > 0) this.messageValue = plan.notes.join(' ');
          this.markPlanned();
        },
      });
    } catch (error) {
      this.recordOnly(
        'engine-load-failed',
        `Live transcription is off: ${errorText(error)} This meeting is recorded and can be transcribed later.`,
      );
      return;
    }
    this.loaded = loaded;
    for (const note of loaded.notes) this.options.log(`meeting ${meetingId}: ${note}`);
    if (this.off) return void (await this.release());
    if (loaded.notes.length > 0) this.messageValue ??= loaded.notes.join(' ');
    if (resolveRecognizers(loaded.engines.streaming, loaded.engines.offline).mode === 'none') {
      // Nothing to transcribe with: no session at all (VAD alone would only cost CPU during the call).
      await this.release();
      this.recordOnly('no-asr-model', loaded.notes.find(isAsrNote) ?? NO_ASR_NOTE);
      return;
    }
    const session = createSession({
      store: this.options.store,
      engines: loaded.engines,
      meetingId,
      config: {
        language: settings.language,
        hotwords: settings.vocabulary,
        localSpeakerName: settings.localSpeakerName,
        ...(this.options.remoteSpeakers === undefined ? {} : { speakerCount: this.options.remoteSpeakers }),
      },
      now: () => Date.now(),
      manageMeetingStatus: false,
      log: (message, data) => this.options.log(`meeting ${meetingId}: ${message}`, data),
    });
    session.on((e) => this.forward(e, loaded.notes));
    try {
      await session.start();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.session = session;
    this.drainPending();
  }

  private recordOnly(reason: string, message: string): void {
    if (this.off) return;
    this.messageValue = message;
    this.off = true;
    this.pending = [];
    this.modeValue = 'record-only';
    this.options.log(`meeting ${this.options.meetingId}: ${message}`);
    this.options.emit('transcript.status', {
      meetingId: this.options.meetingId,
      captureMs: this.lastCaptureMs,
      emittedAt: Date.now(),
      state: 'recording',
      asrMode: 'none',
      reason,
      message,
    });
    this.options.onRecordOnly?.(message);
  }

  /** A pipeline failure stops transcription, never the recording (the session already emitted 'error'). */
  private fail(error: unknown): void {
    if (this.off) return;
    this.off = true;
    this.pending = [];
    this.modeValue = 'record-only';
    this.options.log(`meeting ${this.options.meetingId}: live transcription failed`, errorText(error));
    this.options.onRecordOnly?.(errorText(error));
  }

  private forward(e: SessionEvent, notes: readonly string[]): void {
    const { emit, meetingId, store } = this.options;
    this.lastCaptureMs = Math.max(this.lastCaptureMs, e.captureMs);
    const timing = { meetingId, captureMs: e.captureMs, emittedAt: Date.now() };
    switch (e.type) {
      case 'partial':
        emit('transcript.partial', {
          ...timing,
          channel: e.channel,
          segmentKey: e.segmentKey,
          text: e.text,
          words: e.words.map((w) => ({
            text: w.text,
            startMs: w.startMs,
            endMs: w.endMs,
            confidence: w.confidence,
          })),
          startMs: e.captureStartMs,
        });
        return;
      case 'final': {
        // The archive's row, not the session's copy: the UI shows exactly what search and review will see.
        const segment = store.segments.get(e.segmentId);
        const speaker = store.speakers.get(e.speaker.id);
        if (!segment) return;
        emit('transcript.final', {
          ...timing,
          segmentKey: e.segmentKey,
          segment,
          speaker: {
            id: e.speaker.id,
            label: speaker?.label ?? e.speaker.label,
            displayName: speaker?.displayName ?? null,
          },
          endpointAt: e.endpointAt,
          reason: e.reason,
        });
        return;
      }
      case 'status': {
        const error = e.state === 'error';
        if (error) this.fail(new Error(e.reason ?? 'the live pipeline failed'));
        const message = error
          ? `Live transcription stopped: ${e.reason ?? 'the pipeline failed'}. The recording continues; ` +
            'this meeting can be transcribed later.'
          : e.state === 'recording' && !this.notesSent && notes.length > 0
            ? notes.join(' ')
            : undefined;
        if (message && !error) this.notesSent = true;
        emit('transcript.status', {
          ...timing,
          state: e.state,
          asrMode: e.asrMode,
          ...(error ? { reason: 'pipeline-error' } : e.reason ? { reason: e.reason } : {}),
          ...(message ? { message } : {}),
        });
        return;
      }
      case 'lag':
        emit('transcript.lag', { ...timing, channel: e.channel, lagMs: e.lagMs, thinned: e.thinned });
        return;
      case 'echo-dropped':
        emit('transcript.echo-dropped', {
          ...timing,
          channel: e.channel,
          segmentKey: e.segmentKey,
          text: e.text,
          matchedSegmentId: e.matchedSegment.segmentId,
          similarity: e.matchedSegment.similarity,
          rule: e.rule,
        });
        return;
    }
  }
}
