import type { MediaChannelName } from '../../../main/api';

/**
 * One transport for a meeting's channels: the microphone and the system audio are separate files
 * (two <audio> elements) that must sound like one recording. The longest channel leads; the others
 * follow it: play, pause and seek go to all, and a follower that drifts more than DRIFT_S from the
 * leader (each element runs its own clock) is put back. Channel files start at meeting time 0, so
 * file time is meeting time. No React here: the hook (usePlayback.ts) subscribes and renders.
 */

export const DRIFT_S = 0.15;

export interface TransportState {
  playing: boolean;
  /** Leader position, meeting ms. */
  currentMs: number;
  /** Longest channel, ms (0 until metadata is known). */
  durationMs: number;
  /** A channel that failed to load or play, in words. */
  error: string | null;
}

type Listener = () => void;

const EVENTS = [
  'timeupdate',
  'play',
  'playing',
  'pause',
  'ended',
  'seeked',
  'loadedmetadata',
  'durationchange',
  'error',
];

export class PlaybackTransport {
  private readonly elements = new Map<MediaChannelName, HTMLMediaElement>();
  private readonly detachers = new Map<MediaChannelName, () => void>();
  private readonly listeners = new Set<Listener>();
  private readonly knownDurationMs = new Map<MediaChannelName, number>();
  private wantPlaying = false;
  private error: string | null = null;
  /** Where to start once the leader can seek (a seek before metadata is lost in some browsers). */
  private pendingSeekMs: number | null = null;

  /** Durations from media.sources, used until the elements know their own. */
  setKnownDurations(durations: ReadonlyArray<{ channel: MediaChannelName; durationMs: number }>): void {
    this.knownDurationMs.clear();
    for (const { channel, durationMs } of durations) this.knownDurationMs.set(channel, durationMs);
    this.notify();
  }

  /** Registers (or, with null, forgets) the element of a channel. Use as a React ref callback. */
  attach(channel: MediaChannelName, element: HTMLMediaElement | null): void {
    this.detachers.get(channel)?.();
    this.detachers.delete(channel);
    this.elements.delete(channel);
    if (!element) return;
    this.elements.set(channel, element);
    const onEvent = (event: Event) => this.onMediaEvent(channel, element, event);
    for (const name of EVENTS) element.addEventListener(name, onEvent);
    this.detachers.set(channel, () => {
      for (const name of EVENTS) element.removeEventListener(name, onEvent);
    });
  }

  /** Arrow functions: React's useSyncExternalStore takes them unbound. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /**
   * The state as of the last media event (timeupdate: ~4 Hz while playing), the same object until
   * something changes, as useSyncExternalStore needs. For the live position read `state`.
   */
  readonly getSnapshot = (): TransportState => this.snapshot;

  private snapshot: TransportState = { playing: false, currentMs: 0, durationMs: 0, error: null };

  /** The state now, read from the elements. */
  get state(): TransportState {
    const leader = this.leader();
    return {
      playing: this.wantPlaying,
      currentMs: leader ? (this.pendingSeekMs ?? leader.currentTime * 1000) : 0,
      durationMs: this.durationMs(),
      error: this.error,
    };
  }

  /** The element that keeps time: the longest channel (by known duration), else the first. */
  leader(): HTMLMediaElement | null {
    let best: HTMLMediaElement | null = null;
    let bestMs = -1;
    for (const [channel, element] of this.elements) {
      const ms = this.channelDurationMs(channel, element);
      if (ms > bestMs) {
        best = element;
        bestMs = ms;
      }
    }
    return best;
  }

  element(channel: MediaChannelName): HTMLMediaElement | undefined {
    return this.elements.get(channel);
  }

  play(): void {
    this.wantPlaying = true;
    this.error = null;
    const at = this.state.currentMs;
    for (const [channel, element] of this.elements) {
      // A channel that is shorter than the position has nothing left to say.
      if (at >= this.channelDurationMs(channel, element) && this.channelDurationMs(channel, element) > 0)
        continue;
      this.startElement(channel, element);
    }
    this.notify();
  }

  pause(): void {
    this.wantPlaying = false;
    for (const element of this.elements.values()) element.pause();
    this.notify();
  }

  toggle(): void {
    if (this.wantPlaying) this.pause();
    else this.play();
  }

  /** Moves every channel to `ms` (clamped to the meeting). Keeps playing if it was. */
  seek(ms: number): void {
    const duration = this.durationMs();
    const target = Math.max(0, duration > 0 ? Math.min(ms, duration) : ms);
    const leader = this.leader();
    if (!leader) {
      this.pendingSeekMs = target;
      this.notify();
      return;
    }
    for (const [channel, element] of this.elements) {
      const channelMs = this.channelDurationMs(channel, element);
      element.currentTime = (channelMs > 0 ? Math.min(target, channelMs) : target) / 1000;
      if (this.wantPlaying && element.paused && (channelMs === 0 || target < channelMs)) {
        this.startElement(channel, element);
      }
    }
    this.pendingSeekMs = leader.readyState >= 1 ? null : target;
    this.notify();
  }

  skip(deltaMs: number): void {
    this.seek(this.state.currentMs + deltaMs);
  }

  setMuted(channel: MediaChannelName, muted: boolean): void {
    const element = this.elements.get(channel);
    if (element) element.muted = muted;
    this.notify();
  }

  /**
   * Silence when the view goes. Only pauses: elements detach through their ref callbacks and
   * listeners through their unsubscribe, so a transport survives StrictMode's mount-unmount-mount.
   */
  dispose(): void {
    this.wantPlaying = false;
    for (const element of this.elements.values()) element.pause();
  }

  private startElement(channel: MediaChannelName, element: HTMLMediaElement): void {
    let started: Promise<void> | undefined;
    try {
      started = element.play();
    } catch (error) {
      this.fail(channel, error);
      return;
    }
    // Autoplay refusals and decode errors arrive here; a pause() racing a play() is not an error.
    started?.catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'AbortError') return;
      this.fail(channel, error);
    });
  }

  private fail(channel: MediaChannelName, error: unknown): void {
    const detail = error instanceof Error ? error.message : String(error);
    this.error = `Could not play the ${channel === 'mic' ? 'microphone' : 'system'} audio: ${detail}`;
    this.wantPlaying = false;
    for (const element of this.elements.values()) element.pause();
    this.notify();
  }

  private onMediaEvent(channel: MediaChannelName, element: HTMLMediaElement, event: Event): void {
    const leader = this.leader();
    switch (event.type) {
      case 'loadedmetadata':
        if (this.pendingSeekMs !== null && element === leader) this.seek(this.pendingSeekMs);
        break;
      case 'timeupdate':
      case 'seeked':
        // The element reports a position of its own now: it, not the pending seek, is the truth.
        if (element === leader) this.pendingSeekMs = null;
        if (event.type === 'timeupdate' && element === leader && this.wantPlaying) this.resync(leader);
        break;
      case 'ended':
        // The leader is the longest channel: when it ends the meeting is over.
        if (element === leader) {
          this.wantPlaying = false;
          for (const other of this.elements.values()) other.pause();
        }
        break;
      case 'error':
        this.error = `The ${channel === 'mic' ? 'microphone' : 'system'} audio could not be loaded.`;
        break;
    }
    this.notify();
  }

  private resync(leader: HTMLMediaElement): void {
    for (const [channel, element] of this.elements) {
      if (element === leader) continue;
      const channelS = this.channelDurationMs(channel, element) / 1000;
      if (channelS > 0 && leader.currentTime >= channelS) continue;
      if (Math.abs(element.currentTime - leader.currentTime) > DRIFT_S)
        element.currentTime = leader.currentTime;
      if (element.paused) this.startElement(channel, element);
    }
  }

  private channelDurationMs(channel: MediaChannelName, element: HTMLMediaElement): number {
    const own = element.duration;
    if (Number.isFinite(own) && own > 0) return own * 1000;
    return this.knownDurationMs.get(channel) ?? 0;
  }

  private durationMs(): number {
    let max = 0;
    for (const [channel, element] of this.elements)
      max = Math.max(max, this.channelDurationMs(channel, element));
    for (const ms of this.knownDurationMs.values()) max = Math.max(max, ms);
    return max;
  }

  private notify(): void {
    const next = this.state;
    const last = this.snapshot;
    if (
      next.playing === last.playing &&
      next.currentMs === last.currentMs &&
      next.durationMs === last.durationMs &&
      next.error === last.error
    )
      return;
    this.snapshot = next;
    for (const listener of [...this.listeners]) listener();
  }
}
