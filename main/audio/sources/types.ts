/**
 * One interface for every capture source: Chromium's (microphone via getUserMedia, system audio via
 * getDisplayMedia, frames arriving over a MessagePort) and native ones (parec today; Core Audio taps and
 * WASAPI loopback later). The session only ever talks to this.
 */
import type { AudioChannel, AudioFrame } from '../frames';
import type { Level } from '../level';

export interface SourceError {
  /** 'missing-tool': the helper binary is not installed; 'died': the source stopped unexpectedly. */
  code: 'missing-tool' | 'no-device' | 'died' | 'failed';
  message: string;
  /** Whether the source will try again by itself. */
  willRestart: boolean;
}

export interface AudioSourceEvents {
  level: Level;
  /** Raised by the session's SilenceWatchdog (sources cannot know the other channel has speech). */
  silent: { channel: AudioChannel; silent: boolean; forMs: number };
  error: SourceError;
  /** The source stopped for good (stop() called, or restarts exhausted). */
  ended: { reason: 'stopped' | 'failed' };
}

export type Listener<T> = (payload: T) => void;

export interface AudioSource {
  readonly channel: AudioChannel;
  /** Resolves once capture runs; rejects with a clear message when it cannot start at all. */
  start(onFrame: (frame: AudioFrame) => void): Promise<void>;
  stop(): Promise<void>;
  on<K extends keyof AudioSourceEvents>(event: K, listener: Listener<AudioSourceEvents[K]>): () => void;
}

/** Minimal typed emitter so sources need no EventEmitter typing gymnastics. */
export class SourceEvents {
  private readonly listeners = new Map<keyof AudioSourceEvents, Set<Listener<never>>>();

  on<K extends keyof AudioSourceEvents>(event: K, listener: Listener<AudioSourceEvents[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof AudioSourceEvents>(event: K, payload: AudioSourceEvents[K]): void {
    for (const l of this.listeners.get(event) ?? []) (l as Listener<AudioSourceEvents[K]>)(payload);
  }
}
