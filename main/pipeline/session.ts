/**
 * The live session (issue 8, DESIGN.md "The live session"): one per meeting, two channels. Frames go into
 * one queue (never dropped), a single worker drains it in order: mic frames through the echo canceller
 * (system as reference), each channel through VAD, endpointer and its recognizer stream; every closed
 * segment through the final pass, speaker, emotion, the echo guard (mic) and the store (one transaction),
 * and only then out as a final event.
 *
 * Times in events and in the store are meeting ms: capture ms minus the session origin (by default the
 * capture time of the first frame).
 */
import { FRAME_MS, type AudioChannel, type AudioFrame } from '../audio/frames';
import { EchoCanceller } from '../dsp/aec';
import type { PseudoStreamingOptions } from '../engines/asr/pseudo-stream';
import type { AsrHypothesis, AsrWord, OfflineRecognizer } from '../engines/asr/types';
import type {
  Meeting,
  MeetingStatePatch,
  NewMeeting,
  NewSegment,
  NewSpeaker,
  SegmentWithWords,
  Speaker,
} from '../store';
import { ChannelProcessor, type ClosedSegment, type PartialUpdate } from './channel';
import { DEFAULT_ECHO_GUARD, judgeEcho, type EchoGuardConfig } from './echo-guard';
import { MicEchoStage } from './echo-stage';
import type { EndpointConfig } from './endpoint';
import { Lifecycle } from './lifecycle';
import { resolveRecognizers, type ResolvedRecognizers } from './recognizers';
import type { FinalEvent, SessionEngines, SessionEvent, SessionState, SessionWord } from './types';

/** The part of the store a session writes (main/store openStore() satisfies it). */
export interface SessionStore {
  meetings: {
    create(input?: NewMeeting): Meeting;
    updateState(id: number, patch: MeetingStatePatch): Meeting;
  };
  speakers: {
    add(meetingId: number, input: NewSpeaker): Speaker;
    /** Keeps a speaker's end-of-meeting centroid (voiceprints, name suggestions); optional in the store. */
    setCentroid?(speakerId: number, embedding: Float32Array, modelId: string): void;
    /** Deletes the meeting's unnamed speakers without segments; returns their ids. */
    removeUnused?(meetingId: number): number[];
  };
  segments: {
    insertFinal(input: NewSegment): SegmentWithWords;
    /** Moves a committed segment to another speaker (end-of-meeting re-clustering); without it labels stay. */
    setSpeaker?(segmentId: number, speakerId: number | null): unknown;
  };
}

export interface SessionConfig {
  endpoint: Partial<EndpointConfig>;
  echoGuard: EchoGuardConfig;
  /** Above this backlog (per channel), partials are thinned to one per thinnedPartialIntervalMs of audio. */
  thinAboveLagMs: number;
  thinnedPartialIntervalMs: number;
  /** A lag event is emitted when the backlog changes by this much, and when it returns to 0. */
  lagReportStepMs: number;
  /** A mic final waits for the overlapping system audio to be final, but never longer than this (mic audio). */
  echoGuardMaxWaitMs: number;
  pseudoStreaming: PseudoStreamingOptions;
  /**
   * Name shown for the microphone's speaker (settings.localSpeakerName), stored as its display name so the
   * meeting view, search and exports say "Ana" rather than the machine label 'you'.
   */
  localSpeakerName?: string;
  /** Speakers on the system channel when the user knows: re-clustering at stop finds exactly that many. */
  speakerCount?: number;
  /** Options passed to the final-pass decode (language, hotwords). */
  language?: string;
  hotwords?: readonly string[];
}

export const DEFAULT_SESSION_CONFIG: Readonly<SessionConfig> = Object.freeze({
  endpoint: {},
  echoGuard: DEFAULT_ECHO_GUARD,
  thinAboveLagMs: 1000,
  thinnedPartialIntervalMs: 2000,
  lagReportStepMs: 500,
  echoGuardMaxWaitMs: 25_000,
  pseudoStreaming: {},
});

export interface SessionOptions {
  store: SessionStore;
  engines: SessionEngines;
  /** Meeting to record into; created (status 'recording') when absent. */
  meetingId?: number;
  title?: string;
  config?: Partial<SessionConfig>;
  /** Session clock for emittedAt / endpointAt (default performance-based epoch ms). */
  now?: () => number;
  /** Capture ms of meeting time 0 (default: the first frame's t). */
  originMs?: number;
  /** Decisions worth a log line (echo drops, errors). */
  log?: (message: string, data?: Record<string, unknown>) => void;
  /**
   * Whether the session writes the meeting's status (recording, paused, finalizing, done, error). Default
   * true. A host that owns the meeting row itself (the backend's recording contract, which also runs the
   * recorder and decides when the meeting is done) passes false, so the two never fight over it.
   */
  manageMeetingStatus?: boolean;
}

interface PendingMic {
  segment: ClosedSegment;
  final: PreparedFinal;
}

interface PreparedFinal {
  text: string;
  words: SessionWord[];
  language: string | null;
  emotion: { label: string; score: number } | null;
  /** The streaming text when the final pass replaced it (the review queue compares the two). */
  draftText: string | null;
}

interface CommittedSystem {
  segmentId: number;
  startMs: number;
  endMs: number;
  text: string;
  levelDb: number;
}

/** The system channel counts as absent when its newest frame is this far behind the mic. */
const SYSTEM_ABSENT_MS = 2000;

/** System finals kept for the echo guard, behind the newest mic time. */
const GUARD_HISTORY_MS = 60_000;

const defaultNow = (): number => performance.timeOrigin + performance.now();

export type SessionListener = (event: SessionEvent) => void;

export class LiveSession {
  readonly config: Readonly<SessionConfig>;
  readonly recognizers: ResolvedRecognizers;
  private readonly lifecycle = new Lifecycle();
  private readonly listeners = new Set<SessionListener>();
  private readonly now: () => number;
  private readonly log: NonNullable<SessionOptions['log']>;
  private meetingIdValue: number | null;
  private originMs: number | null;
  private channels: Partial<Record<AudioChannel, ChannelProcessor>> = {};
  private echo: MicEchoStage | null = null;
  private queue: AudioFrame[] = [];
  private queueHead = 0;
  private draining: Promise<void> | null = null;
  private failure: unknown = null;
  private readonly pushedT: Record<AudioChannel, number | null> = { mic: null, system: null };
  private readonly doneT: Record<AudioChannel, number | null> = { mic: null, system: null };
  private readonly reportedLag: Record<AudioChannel, number> = { mic: 0, system: 0 };
  private readonly lastPartialAt: Record<AudioChannel, number> = { mic: -Infinity, system: -Infinity };
  private readonly speakerIds = new Map<string, number>();
  private pendingMic: PendingMic[] = [];
  private systemFinals: CommittedSystem[] = [];
  private framesIgnored = 0;
  private lastCaptureMs = 0;
  /** Capture time spent paused so far (every segment is committed at pause, so none straddles a change). */
  private pausedMs = 0;
  private resumed = false;
  private lastPushedEnd: number | null = null;
  /** System segment key -> committed row, for end-of-meeting relabelling (only with a speaker finish hook). */
  private readonly systemRows = new Map<string, number>();

  constructor(private readonly options: SessionOptions) {
    this.config = Object.freeze({ ...DEFAULT_SESSION_CONFIG, ...options.config });
    this.now = options.now ?? defaultNow;
    this.log = options.log ?? (() => undefined);
    this.meetingIdValue = options.meetingId ?? null;
    this.originMs = options.originMs ?? null;
    this.recognizers = resolveRecognizers(
      options.engines.streaming,
      options.engines.offline,
      this.config.pseudoStreaming,
    );
  }

  get state(): SessionState {
    return this.lifecycle.state;
  }

  get meetingId(): number | null {
    return this.meetingIdValue;
  }

  /** Frames received while paused (the capture side should not send any). */
  get ignoredFrames(): number {
    return this.framesIgnored;
  }

  on(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.transition('starting');
    try {
      const { store } = this.options;
      if (this.meetingIdValue === null) {
        this.meetingIdValue = store.meetings.create({ title: this.options.title, status: 'recording' }).id;
      } else {
        this.setMeetingStatus({ status: 'recording' });
      }
      const factory = this.options.engines.createEchoCanceller;
      this.echo = new MicEchoStage(factory === null ? null : factory ? factory() : new EchoCanceller());
      for (const channel of ['mic', 'system'] as const) this.channels[channel] = this.createChannel(channel);
    } catch (error) {
      this.fail(error);
      throw error;
    }
    this.transition('recording', this.recognizers.reason);
  }

  /**
   * Queues a frame (never blocks, never drops). Frames arriving while paused are counted and ignored;
   * after stop they are refused.
   */
  pushFrame(frame: AudioFrame): void {
    const state = this.lifecycle.state;
    if (state === 'paused') {
      this.framesIgnored++;
      return;
    }
    if (state !== 'recording') throw new Error(`session is ${state}: frames are not accepted`);
    this.originMs ??= frame.t;
    if (this.resumed) {
      // The recorder leaves paused time out of the file: meeting time does the same, so a word's time is
      // where it plays in the recording.
      this.resumed = false;
      if (this.lastPushedEnd !== null) this.pausedMs += Math.max(0, frame.t - this.lastPushedEnd);
    }
    this.lastPushedEnd = Math.max(this.lastPushedEnd ?? -Infinity, frame.t + FRAME_MS);
    this.pushedT[frame.channel] = frame.t;
    this.queue.push(frame);
    this.kick();
  }

  /** Resolves when every queued frame has been processed (rejects if the session failed). */
  async whenIdle(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.failure) throw this.failure;
  }

  /**
   * Pauses: from here on frames are ignored (the capture side pauses at the same moment), everything queued
   * before is processed, and every open segment is finalized and committed.
   */
  async pause(): Promise<void> {
    this.transition('paused');
    this.setMeetingStatus({ status: 'paused' });
    await this.flushAll();
    for (const ch of Object.values(this.channels)) ch.restart();
  }

  resume(): void {
    this.transition('recording');
    this.resumed = true;
    this.setMeetingStatus({ status: 'recording' });
  }

  /**
   * Stops: frames are refused from here on; the queue is worked off and every open segment finalized (the
   * last words before stop are committed), the speakers are re-clustered, then the meeting is marked done.
   */
  async stop(): Promise<void> {
    const from = this.lifecycle.state;
    this.transition('finalizing');
    this.setMeetingStatus({ status: 'finalizing' });
    // A paused session was flushed when it paused.
    if (from === 'recording') await this.flushAll();
    await this.finishSpeakers();
    this.setMeetingStatus({
      status: 'done',
      endedAt: Date.now(),
      durationMs: Math.max(0, Math.round(this.lastCaptureMs)),
    });
    this.transition('done');
  }

  /**
   * End-of-meeting re-clustering (issue 7 item 2): segments whose label changed move to their new speaker
   * row, and each label's centroid is kept where the store can hold it. A failure here keeps the live labels.
   */
  private async finishSpeakers(): Promise<void> {
    const finish = this.options.engines.speaker?.finish;
    if (!finish) return;
    const summary = await this.optional('speaker re-clustering', () =>
      finish.call(
        this.options.engines.speaker,
        this.config.speakerCount === undefined ? {} : { speakerCount: this.config.speakerCount },
      ),
    );
    if (!summary) return;
    const { store } = this.options;
    try {
      for (const [key, label] of Object.entries(store.segments.setSpeaker ? summary.relabel : {})) {
        const segmentId = this.systemRows.get(key);
        if (segmentId === undefined || !label) continue;
        store.segments.setSpeaker!(segmentId, this.speakerRow('system', label).id);
      }
      // Live labels that lost every segment to another cluster would linger as empty speakers.
      const emptied = store.speakers.removeUnused?.(this.meetingIdValue!) ?? [];
      for (const [key, id] of this.speakerIds) if (emptied.includes(id)) this.speakerIds.delete(key);
      if (store.speakers.setCentroid) {
        for (const c of summary.centroids) {
          const speakerId = this.speakerIds.get(`system:${c.label}`);
          if (speakerId !== undefined) store.speakers.setCentroid(speakerId, c.embedding, c.modelId);
        }
      }
    } catch (error) {
      this.log('speaker relabelling failed; the live labels are kept', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private setMeetingStatus(patch: MeetingStatePatch): void {
    if (this.options.manageMeetingStatus === false) return;
    this.options.store.meetings.updateState(this.meetingIdValue!, patch);
  }

  private async flushAll(): Promise<void> {
    await this.whenIdle();
    try {
      const mic = this.channels.mic!;
      const system = this.channels.system!;
      // System first: the echo guard judges mic segments against committed system ones.
      await system.flush();
      for (const piece of this.echo!.flush()) await mic.process(piece.t, piece.samples);
      await mic.flush();
      await this.resolvePendingMic(true);
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  private createChannel(channel: AudioChannel): ChannelProcessor {
    const r = this.recognizers;
    return new ChannelProcessor(
      channel,
      this.options.engines.vad.createStream(),
      r.streaming,
      r.streaming ? r.streaming.createStream() : null,
      this.config.endpoint,
      {
        now: this.now,
        wantPartial: (ch) => this.wantPartial(ch),
        lagging: (ch) => this.lagMs(ch) > this.config.thinAboveLagMs,
        onPartial: (u) => this.emitPartial(u),
        onClosed: (s) => this.finishSegment(s),
      },
      `m${this.meetingIdValue}-`,
    );
  }

  private kick(): void {
    if (this.draining || this.failure) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queueHead < this.queue.length) {
        const frame = this.queue[this.queueHead++]!;
        if (this.queueHead > 1024) {
          this.queue = this.queue.slice(this.queueHead);
          this.queueHead = 0;
        }
        await this.route(frame);
      }
      this.queue = [];
      this.queueHead = 0;
    } catch (error) {
      this.fail(error);
    }
  }

  private async route(frame: AudioFrame): Promise<void> {
    const echo = this.echo!;
    if (frame.channel === 'system') {
      await this.channels.system!.process(frame.t, frame.samples);
      this.afterProgress('system', frame.t);
      for (const piece of echo.pushSystem(frame)) await this.processMic(piece.t, piece.samples);
      await this.resolvePendingMic(false);
    } else {
      for (const piece of echo.pushMic(frame)) await this.processMic(piece.t, piece.samples);
    }
  }

  private async processMic(t: number, samples: Float32Array): Promise<void> {
    await this.channels.mic!.process(t, samples);
    this.afterProgress('mic', t + this.echo!.latencyMs);
    await this.resolvePendingMic(false);
  }

  private afterProgress(channel: AudioChannel, t: number): void {
    this.doneT[channel] = t;
    this.lastCaptureMs = Math.max(this.lastCaptureMs, this.meetingMs(t + FRAME_MS));
    const lag = this.lagMs(channel);
    const last = this.reportedLag[channel];
    if (Math.abs(lag - last) >= this.config.lagReportStepMs || (lag === 0 && last !== 0)) {
      this.reportedLag[channel] = lag;
      this.emit({
        type: 'lag',
        channel,
        lagMs: lag,
        thinned: lag > this.config.thinAboveLagMs,
        captureMs: this.meetingMs(t),
        emittedAt: this.now(),
      });
    }
  }

  private lagMs(channel: AudioChannel): number {
    const pushed = this.pushedT[channel];
    const done = this.doneT[channel];
    return pushed === null || done === null ? 0 : Math.max(0, pushed - done);
  }

  /** Under backlog, partials are thinned (decoding still covers every chunk). */
  private wantPartial(channel: AudioChannel): boolean {
    if (this.lagMs(channel) <= this.config.thinAboveLagMs) return true;
    const t = this.doneT[channel] ?? 0;
    if (t - this.lastPartialAt[channel] < this.config.thinnedPartialIntervalMs) return false;
    this.lastPartialAt[channel] = t;
    return true;
  }

  private meetingMs(captureMs: number): number {
    return captureMs - (this.originMs ?? 0) - this.pausedMs;
  }

  private wordsToMeeting(words: readonly AsrWord[]): SessionWord[] {
    return words.map((w) => ({
      ...w,
      startMs: Math.max(0, this.meetingMs(w.startMs)),
      endMs: Math.max(0, this.meetingMs(w.endMs)),
    }));
  }

  private emitPartial(u: PartialUpdate): void {
    this.emit({
      type: 'partial',
      channel: u.channel,
      segmentKey: u.key,
      text: u.hypothesis.text,
      words: this.wordsToMeeting(u.hypothesis.words),
      captureStartMs: Math.max(0, this.meetingMs(u.captureStartMs)),
      captureMs: this.meetingMs(u.captureEndMs),
      emittedAt: this.now(),
    });
  }

  /** Final pass; then speaker, emotion and commit (system), or the echo guard first (mic). */
  private async finishSegment(segment: ClosedSegment): Promise<void> {
    const prepared = await this.prepare(segment);
    if (!prepared.text) return;
    if (segment.channel === 'mic') {
      this.pendingMic.push({ segment, final: prepared });
      await this.resolvePendingMic(false);
      return;
    }
    const speaker = await this.systemSpeaker(segment);
    const final = this.commit(segment, { ...(await this.withEmotion(segment, prepared)), speaker });
    if (this.options.engines.speaker?.finish) this.systemRows.set(segment.key, final.segmentId);
    this.systemFinals.push({
      segmentId: final.segmentId,
      startMs: final.startMs,
      endMs: final.endMs,
      text: final.text,
      levelDb: segment.levelDb,
    });
  }

  private async prepare(segment: ClosedSegment): Promise<PreparedFinal> {
    let hypothesis: AsrHypothesis = segment.hypothesis;
    let words: AsrWord[] = segment.hypothesis.words;
    const finalPass: OfflineRecognizer | null = this.recognizers.finalPass;
    if (finalPass && segment.audio.length > 0) {
      const audio =
        segment.audio.length > finalPass.maxSamples
          ? segment.audio.subarray(0, finalPass.maxSamples)
          : segment.audio;
      const decoded = await this.optional('final pass', () =>
        finalPass.decode(audio, { language: this.config.language, hotwords: this.config.hotwords }),
      );
      // The final pass replaces the streaming words; a failed or empty re-decode never erases what streaming heard.
      if (decoded && (decoded.words.length > 0 || decoded.text)) {
        hypothesis = decoded;
        words = decoded.words.map((w) => ({
          ...w,
          startMs: segment.startMs + w.startMs,
          endMs: segment.startMs + w.endMs,
        }));
      }
    }
    const text = (hypothesis.text || words.map((w) => w.text).join(' ')).trim();
    const emotion = hypothesis.emotion ?? null;
    const streamed = segment.hypothesis;
    const draft =
      hypothesis === streamed ? '' : (streamed.text || streamed.words.map((w) => w.text).join(' ')).trim();
    return {
      text,
      draftText: draft && draft !== text ? draft : null,
      words: this.wordsToMeeting(words),
      language: hypothesis.language ?? null,
      emotion: emotion ? { label: emotion.label, score: emotion.score } : null,
    };
  }

  /** The emotion source runs only for finals that will be committed (not for dropped echoes). */
  private async withEmotion(segment: ClosedSegment, prepared: PreparedFinal): Promise<PreparedFinal> {
    const source = this.options.engines.emotion;
    if (prepared.emotion || !source) return prepared;
    const result = await this.optional('emotion', () => source.classify(segment.audio));
    return { ...prepared, emotion: result ? { label: result.label, score: result.score } : null };
  }

  private async systemSpeaker(segment: ClosedSegment): Promise<{ id: number; label: string }> {
    const assigner = this.options.engines.speaker;
    const assigned = assigner
      ? await this.optional('speaker', () =>
          assigner.assign({
            key: segment.key,
            channel: segment.channel,
            startMs: this.meetingMs(segment.startMs),
            endMs: this.meetingMs(segment.endMs),
            samples: segment.audio,
          }),
        )
      : null;
    const label = assigned?.label ?? 'S1';
    return this.speakerRow('system', label || 'S1');
  }

  private speakerRow(channel: AudioChannel, label: string): { id: number; label: string } {
    const key = `${channel}:${label}`;
    let id = this.speakerIds.get(key);
    if (id === undefined) {
      const displayName = channel === 'mic' ? (this.config.localSpeakerName?.trim() ?? null) : null;
      id = this.options.store.speakers.add(this.meetingIdValue!, {
        label,
        channel,
        ...(displayName ? { displayName } : {}),
      }).id;
      this.speakerIds.set(key, id);
    }
    return { id, label };
  }

  /**
   * Mic finals wait until the system channel is final over their time span (or for echoGuardMaxWaitMs of mic
   * audio), so the guard compares against committed system text.
   */
  private async resolvePendingMic(all: boolean): Promise<void> {
    if (this.pendingMic.length === 0) return;
    const system = this.channels.system!;
    const micNow = this.channels.mic!.clockMs ?? -Infinity;
    // No system audio for a while (no system source, or it stopped): nothing to wait for.
    const systemPushed = this.pushedT.system;
    const systemAbsent = systemPushed === null || systemPushed < micNow - SYSTEM_ABSENT_MS;
    const settled = systemAbsent ? Infinity : (system.openStartMs ?? system.clockMs ?? -Infinity);
    while (this.pendingMic.length > 0) {
      const { segment, final } = this.pendingMic[0]!;
      const ready =
        all || settled >= segment.endMs || micNow - segment.endMs >= this.config.echoGuardMaxWaitMs;
      if (!ready) break;
      this.pendingMic.shift();
      const guardSeg = {
        startMs: this.meetingMs(segment.startMs),
        endMs: this.meetingMs(segment.endMs),
        text: final.text,
        levelDb: segment.levelDb,
      };
      const decision = judgeEcho(guardSeg, this.systemFinals, this.config.echoGuard);
      if (decision.drop && decision.match) {
        const m = decision.match;
        this.log('echo guard dropped a mic segment', {
          rule: decision.rule,
          text: final.text,
          matched: m.segment.segmentId,
          similarity: m.similarity,
        });
        this.emit({
          type: 'echo-dropped',
          channel: 'mic',
          segmentKey: segment.key,
          text: final.text,
          startMs: guardSeg.startMs,
          endMs: guardSeg.endMs,
          rule: decision.rule ?? 'text',
          matchedSegment: { segmentId: m.segment.segmentId, text: m.segment.text, similarity: m.similarity },
          captureMs: guardSeg.endMs,
          emittedAt: this.now(),
        });
        continue;
      }
      const enriched = await this.withEmotion(segment, final);
      this.commit(segment, { ...enriched, speaker: this.speakerRow('mic', 'you') });
    }
    const horizon = this.meetingMs(micNow) - GUARD_HISTORY_MS;
    while (this.systemFinals.length > 0 && this.systemFinals[0]!.endMs < horizon) this.systemFinals.shift();
  }

  /** One transaction in the store, then the event: a final is emitted only once it is durable. */
  private commit(
    segment: ClosedSegment,
    f: PreparedFinal & { speaker: { id: number; label: string } },
  ): FinalEvent {
    const startMs = Math.max(0, Math.round(this.meetingMs(segment.startMs)));
    const endMs = Math.max(startMs, Math.round(this.meetingMs(segment.endMs)));
    const words = f.words.map((w) => {
      const s = Math.min(Math.max(Math.round(w.startMs), startMs), endMs);
      return { ...w, startMs: s, endMs: Math.min(Math.max(Math.round(w.endMs), s), endMs) };
    });
    const confidence = words.length ? words.reduce((a, w) => a + w.confidence, 0) / words.length : null;
    const row = this.options.store.segments.insertFinal({
      meetingId: this.meetingIdValue!,
      speakerId: f.speaker.id,
      channel: segment.channel,
      startMs,
      endMs,
      text: f.text,
      language: f.language,
      emotion: f.emotion?.label ?? null,
      emotionScore: f.emotion?.score ?? null,
      confidence,
      draftText: f.draftText,
      words,
    });
    const event: FinalEvent = {
      type: 'final',
      channel: segment.channel,
      segmentKey: segment.key,
      segmentId: row.id,
      text: row.text,
      words,
      speaker: f.speaker,
      emotion: f.emotion,
      language: f.language,
      startMs,
      endMs,
      endpointAt: segment.endpointAt,
      reason: segment.reason,
      captureMs: endMs,
      emittedAt: this.now(),
    };
    this.emit(event);
    return event;
  }

  /**
   * Speaker, emotion and the final pass enrich a final; when one fails the final is still committed
   * without it (the streaming words, speaker 'S1', no emotion) and the failure is logged.
   */
  private async optional<T>(stage: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (error) {
      this.log(`${stage} failed; the final is committed without it`, {
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }

  private transition(to: SessionState, reason?: string): void {
    this.lifecycle.to(to);
    this.emit({
      type: 'status',
      state: to,
      ...(reason ? { reason } : {}),
      asrMode: this.recognizers.mode,
      captureMs: this.lastCaptureMs,
      emittedAt: this.now(),
    });
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error;
    const message = error instanceof Error ? error.message : String(error);
    this.log('session failed', { error: message });
    if (this.lifecycle.state !== 'error' && this.lifecycle.state !== 'done') {
      this.transition('error', message);
      if (this.meetingIdValue !== null && this.options.manageMeetingStatus !== false) {
        try {
          this.options.store.meetings.updateState(this.meetingIdValue, { status: 'error' });
        } catch {
          // The store itself may be what failed; the error event above already says why.
        }
      }
    }
  }

  private emit(event: SessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A consumer's bug must not stop the transcript (the final is already committed).
        this.log('session listener threw', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

export function createSession(options: SessionOptions): LiveSession {
  return new LiveSession(options);
}
