/** Words for the live session's state, recognizer mode and lag (pure, shared by the Live page and tests). */
import type { AsrMode, TranscriptLag } from '../../../main/api';

export const ASR_MODE_LABELS: Record<AsrMode, string> = {
  streaming: 'Live captions (streaming)',
  'streaming+final-pass': 'Live captions, refined after each pause',
  'pseudo-streaming': 'Live captions (in short chunks)',
  none: 'Recording only, no captions',
};

/** Below this the pipeline is keeping up: a second of buffered audio is normal decoding latency. */
export const LAG_NOTICE_MS = 1500;

/** "Catching up: 3.2 s behind" when either channel is behind, else null. */
export function lagText(lag: Readonly<Record<'mic' | 'system', TranscriptLag | null>>): string | null {
  const worst = Math.max(lag.mic?.lagMs ?? 0, lag.system?.lagMs ?? 0);
  const thinned = Boolean(lag.mic?.thinned || lag.system?.thinned);
  if (worst < LAG_NOTICE_MS && !thinned) return null;
  return `Catching up: ${(worst / 1000).toFixed(1)} s behind`;
}

/** The meter's range: -60 dBFS (room noise) to 0 dBFS (full scale). */
export const METER_FLOOR_DB = -60;

export function meterValue(levelDb: number | null): number {
  return levelDb === null ? METER_FLOOR_DB : Math.min(0, Math.max(METER_FLOOR_DB, levelDb));
}

/** Ctrl+M, or Cmd+M on a Mac: mark the moment. */
export function isMarkHotkey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>) {
  return (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'm';
}

/**
 * What the live views assume until the settings arrive: the schema's defaults (main/api/settings.ts).
 * Not DEFAULT_SETTINGS itself: importing it runs a zod parse in the page, and zod's first parse probes
 * `Function('')`, which the CSP reports as a blocked eval.
 */
export const LIVE_SETTINGS_FALLBACK = { localSpeakerName: 'You', confidenceThreshold: 0.9 } as const;
