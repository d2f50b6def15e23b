import { useEffect, useState } from 'react';
import { micConstraints } from '../capture/mic-capture';

export interface LevelPreview {
  /** RMS level of the chosen microphone, dBFS; null until the first reading. */
  levelDb: number | null;
  /** Why the preview could not run (permission refused, device gone). */
  error: string | null;
}

/** Whether this page can preview a level at all (jsdom and very old engines cannot). */
export const levelPreviewAvailable = (): boolean =>
  typeof AudioContext === 'function' && typeof navigator !== 'undefined' && !!navigator.mediaDevices;

const READ_EVERY_MS = 100;
const FLOOR_DB = -100;

/**
 * While `enabled`: opens the microphone (raw, as recordings do) into an AnalyserNode and reads its RMS ten
 * times a second. Nothing is recorded or sent anywhere; the device is released when disabled or unmounted.
 * `onOpened` runs once the device answered (device labels become readable then).
 */
export function useLevelPreview(
  deviceId: string | null,
  enabled: boolean,
  onOpened?: () => void,
): LevelPreview {
  const [state, setState] = useState<LevelPreview>({ levelDb: null, error: null });

  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let stream: MediaStream | null = null;
    let context: AudioContext | null = null;
    let timer: ReturnType<typeof setInterval> | null = null;
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia(micConstraints(deviceId ?? undefined));
        if (cancelled) return;
        onOpened?.();
        context = new AudioContext();
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        context.createMediaStreamSource(stream).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        timer = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const s of samples) sum += s * s;
          const rms = Math.sqrt(sum / samples.length);
          setState({ levelDb: rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB, error: null });
        }, READ_EVERY_MS);
      } catch (e) {
        if (!cancelled) setState({ levelDb: null, error: previewError(e) });
      }
    })();
    return () => {
      cancelled = true;
      if (timer) clearInterval(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
      void context?.close().catch(() => undefined);
      setState({ levelDb: null, error: null });
    };
    // onOpened is a notification, not an input: a new function identity must not reopen the device.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [deviceId, enabled]);

  return enabled ? state : { levelDb: null, error: null };
}

function previewError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  if (name === 'NotAllowedError') return 'Microphone access was refused.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'This microphone is not connected.';
  return `The microphone could not be opened: ${e instanceof Error ? e.message : String(e)}`;
}
