/**
 * System audio (the remote side of a call) through getDisplayMedia: in Electron, main's display-media
 * handler answers with a screen source plus loopback audio (main/app/display-media.ts); in a plain
 * browser (dev:web) the user picks a screen or tab and ticks "share audio". Chromium refuses an
 * audio-only request, so video is asked for and its track stopped at once: only the audio track is read,
 * through the same track reader as the microphone, onto the 'system' channel.
 *
 * Failures are classified so the page can say why the meeting records the microphone alone: refused
 * (the user or the OS said no), unsupported (no getDisplayMedia / no track processor / no loopback on this
 * OS, seen as a stream without audio), or an error.
 */
import type { CapturedFrame } from './protocol';
import { FrameClock, readTrack, trackProcessorAvailable } from './track-reader';

export type SystemAudioFailure = 'refused' | 'unsupported' | 'error';

export class SystemCaptureError extends Error {
  constructor(
    readonly reason: SystemAudioFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SystemCaptureError';
  }
}

export interface SystemCaptureEvents {
  frame(frame: CapturedFrame): void;
  /** The loopback track ended (sharing stopped from the OS, the output device went away). */
  ended(label: string): void;
  error(message: string): void;
}

/**
 * Audio processing off, as for the microphone: the system channel is the echo canceller's reference and
 * must stay what the speakers played. `systemAudio`/`selfBrowserSurface` steer a browser's picker (Electron
 * ignores them): offer whole screens with their audio, never this page itself.
 */
export function displayMediaOptions(): DisplayMediaStreamOptions {
  return {
    video: true,
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    systemAudio: 'include',
    selfBrowserSurface: 'exclude',
  } as DisplayMediaStreamOptions;
}

export class SystemCapture {
  private readonly signal = { stopped: false };
  private stopped = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly events: SystemCaptureEvents,
  ) {}

  /**
   * Calls getDisplayMedia synchronously (before any await): Chromium wants the click's transient user
   * activation, which the caller must not spend on other awaits first.
   * `now` gives the meeting's capture clock (ms) so the channel's first frame carries its real offset.
   */
  static start(events: SystemCaptureEvents, now: () => number): Promise<SystemCapture> {
    const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
    if (!media || typeof media.getDisplayMedia !== 'function' || !trackProcessorAvailable()) {
      return Promise.reject(
        new SystemCaptureError('unsupported', 'This system cannot share its audio with Verbatim.'),
      );
    }
    let request: Promise<MediaStream>;
    try {
      request = media.getDisplayMedia(displayMediaOptions());
    } catch (error) {
      return Promise.reject(classify(error));
    }
    return request.then(
      (stream) => {
        // Only the sound is wanted; the screen is never read.
        for (const track of stream.getVideoTracks()) track.stop();
        const track = stream.getAudioTracks()[0];
        if (!track) {
          throw new SystemCaptureError(
            'unsupported',
            'No system audio came with the shared screen (this system may not offer loopback audio).',
          );
        }
        const capture = new SystemCapture(stream, events);
        capture.read(track, now());
        return capture;
      },
      (error: unknown) => {
        throw classify(error);
      },
    );
  }

  get label(): string {
    return this.stream.getAudioTracks()[0]?.label ?? '';
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.signal.stopped = true;
    for (const track of this.stream.getTracks()) track.stop();
    return Promise.resolve();
  }

  private read(track: MediaStreamTrack, startMs: number): void {
    const clock = new FrameClock((f) => this.events.frame(f), Math.max(0, Math.round(startMs)));
    let ended = false;
    const end = () => {
      if (ended || this.stopped) return;
      ended = true;
      this.signal.stopped = true;
      this.events.ended(track.label);
    };
    track.addEventListener('ended', end, { once: true });
    readTrack(track, clock, this.signal).then(end, (e: unknown) => {
      if (this.stopped) return;
      this.events.error(`Reading the system audio failed: ${String(e)}`);
      end();
    });
  }
}

function classify(error: unknown): SystemCaptureError {
  if (error instanceof SystemCaptureError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError')
    return new SystemCaptureError('refused', 'Sharing the system audio was refused.');
  if (name === 'NotSupportedError' || name === 'NotFoundError' || name === 'TypeError')
    return new SystemCaptureError('unsupported', 'This system cannot share its audio with Verbatim.');
  const message = error instanceof Error ? error.message : String(error);
  return new SystemCaptureError('error', `System audio could not start: ${message}`);
}
