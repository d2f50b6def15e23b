/**
 * The live session's public shapes (DESIGN.md "The live session"): the events it emits (plain data, so they
 * cross process boundaries unchanged), the engines it is built from (interfaces, so tests inject stubs) and
 * its configuration.
 */
import type { AudioChannel } from '../audio/frames';
import type { AsrWord, OfflineRecognizer, StreamingRecognizer } from '../engines/asr/types';
import type { VadEngine } from '../engines/vad/types';

export type SessionState =
  'idle' | 'starting' | 'recording' | 'paused' | 'finalizing' | 'done' | 'interrupted' | 'error';

/** Which recognizers run: see resolveRecognizers. 'none' records only. */
export type AsrMode = 'streaming' | 'streaming+final-pass' | 'pseudo-streaming' | 'none';

/** A word in meeting time (ms from the meeting's start, i.e. capture time minus the session origin). */
export type SessionWord = AsrWord;

/**
 * Every event carries `captureMs` (capture time of the end of the audio it covers, meeting ms) and `emittedAt`
 * (session clock when it left the session), so latency can be measured anywhere downstream.
 */
interface EventBase {
  captureMs: number;
  emittedAt: number;
}

export interface PartialEvent extends EventBase {
  type: 'partial';
  channel: AudioChannel;
  /** Identifies the open segment; the final (or echo-dropped) event for it carries the same key. */
  segmentKey: string;
  text: string;
  words: SessionWord[];
  captureStartMs: number;
}

export interface FinalEvent extends EventBase {
  type: 'final';
  channel: AudioChannel;
  segmentKey: string;
  /** Row id in the store: the final is committed before it is emitted. */
  segmentId: number;
  text: string;
  words: SessionWord[];
  speaker: { id: number; label: string };
  emotion: { label: string; score: number } | null;
  language: string | null;
  startMs: number;
  endMs: number;
  /** Session clock when the endpoint was decided (endpoint -> final latency = emittedAt - endpointAt). */
  endpointAt: number;
  reason: EndpointReason;
}

export interface StatusEvent extends EventBase {
  type: 'status';
  state: SessionState;
  reason?: string;
  asrMode: AsrMode;
}

export interface LagEvent extends EventBase {
  type: 'lag';
  channel: AudioChannel;
  /** Audio queued but not yet decoded on this channel. */
  lagMs: number;
  /** True while partial emission is thinned to let decoding catch up. */
  thinned: boolean;
}

export interface EchoDroppedEvent extends EventBase {
  type: 'echo-dropped';
  channel: AudioChannel;
  segmentKey: string;
  text: string;
  startMs: number;
  endMs: number;
  /** 'text': same words as the system segment; 'level': residual echo far below the system's level. */
  rule: 'text' | 'level';
  matchedSegment: { segmentId: number; text: string; similarity: number };
}

export type SessionEvent = PartialEvent | FinalEvent | StatusEvent | LagEvent | EchoDroppedEvent;

export type EndpointReason = 'silence' | 'semantic' | 'max-length' | 'flush';

/** Segment audio handed to the speaker and emotion stages. */
export interface SegmentAudio {
  key: string;
  channel: AudioChannel;
  startMs: number;
  endMs: number;
  /** 16 kHz mono; samples[0] is at startMs. */
  samples: Float32Array;
}

/** Labels a system-channel segment with a speaker (e.g. embeddings + online clustering). */
export interface SpeakerAssigner {
  assign(segment: SegmentAudio): Promise<{ label: string }>;
  /**
   * End of meeting (issue 7 item 2): re-clusters everything assigned so far. The session moves each segment
   * whose label changed to its new speaker (keys are SegmentAudio.key) and keeps each speaker's centroid.
   */
  finish?(options?: { speakerCount?: number }): Promise<SpeakerSummary>;
}

export interface SpeakerSummary {
  /** Segment key -> corrected label, only for segments whose label changed. */
  relabel: Record<string, string>;
  /** One centroid per final label (L2-normalised), for voiceprints and name suggestions. */
  centroids: Array<{ label: string; embedding: Float32Array; modelId: string }>;
}

/** Emotion of a final segment when the final-pass model does not give one (e.g. an emotion2vec engine). */
export interface EmotionSource {
  classify(samples: Float32Array): Promise<{ label: string; score: number }>;
}

/** What the session needs of an echo canceller (main/dsp/aec EchoCanceller satisfies it). */
export interface EchoCancellerLike {
  readonly latencySamples: number;
  process(mic: Float32Array, ref: Float32Array): Float32Array;
}

export interface SessionEngines {
  vad: VadEngine;
  /** Streaming recognizer (e.g. Zipformer). */
  streaming?: StreamingRecognizer | null;
  /** Offline recognizer: the final pass, or the pseudo-streaming recognizer when there is no streaming one. */
  offline?: OfflineRecognizer | null;
  speaker?: SpeakerAssigner | null;
  emotion?: EmotionSource | null;
  /** Default: main/dsp/aec EchoCanceller with its defaults. null disables echo cancellation. */
  createEchoCanceller?: (() => EchoCancellerLike) | null;
}
