/**
 * The "permission granted but the tap is silent" detector (issue 4): a channel that delivers digital
 * silence for several seconds while the other channel carries speech is almost certainly broken capture,
 * not a quiet room — a live microphone always has a noise floor well above -90 dBFS.
 * Pure logic over Level windows, so it is testable with crafted input and reusable for any source.
 */
import type { AudioChannel } from './frames';
import type { Level } from './level';

export interface SilenceWatchdogOptions {
  /** Below this peak level a window counts as digital silence. */
  silenceDbfs?: number;
  /** RMS level above which the other channel counts as having speech energy. */
  speechDbfs?: number;
  /** How long a channel must be silent (with speech on the other) before it is flagged. */
  afterMs?: number;
}

export interface SilenceChange {
  channel: AudioChannel;
  silent: boolean;
  /** How long the channel has been silent when flagged (0 when cleared). */
  forMs: number;
}

interface ChannelState {
  silentSince: number | null;
  lastSpeechT: number | null;
  flagged: boolean;
}

export class SilenceWatchdog {
  private readonly silenceDbfs: number;
  private readonly speechDbfs: number;
  private readonly afterMs: number;
  private readonly state = new Map<AudioChannel, ChannelState>();

  constructor(options: SilenceWatchdogOptions = {}) {
    this.silenceDbfs = options.silenceDbfs ?? -90;
    this.speechDbfs = options.speechDbfs ?? -50;
    this.afterMs = options.afterMs ?? 5000;
  }

  /** Feed every Level of every channel in time order; returns a change when a flag is raised or cleared. */
  push(level: Level): SilenceChange | null {
    const me = this.get(level.channel);
    if (level.rmsDbfs >= this.speechDbfs) me.lastSpeechT = level.t;
    if (level.peakDbfs >= this.silenceDbfs) {
      me.silentSince = null;
      if (me.flagged) {
        me.flagged = false;
        return { channel: level.channel, silent: false, forMs: 0 };
      }
      return null;
    }
    me.silentSince ??= level.t;
    const forMs = level.t - me.silentSince;
    if (me.flagged || forMs < this.afterMs) return null;
    // Only flag when the other side spoke during this silence: a silent meeting is not a fault.
    const other = this.get(level.channel === 'mic' ? 'system' : 'mic');
    if (other.lastSpeechT === null || other.lastSpeechT < me.silentSince) return null;
    me.flagged = true;
    return { channel: level.channel, silent: true, forMs };
  }

  isFlagged(channel: AudioChannel): boolean {
    return this.get(channel).flagged;
  }

  private get(channel: AudioChannel): ChannelState {
    let s = this.state.get(channel);
    if (!s) this.state.set(channel, (s = { silentSince: null, lastSpeechT: null, flagged: false }));
    return s;
  }
}
