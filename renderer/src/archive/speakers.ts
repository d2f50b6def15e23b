import type { Speaker } from '../../../main/api';

export function speakerName(speaker: Speaker | undefined): string {
  if (!speaker) return 'Unknown speaker';
  return speaker.displayName ?? speaker.label;
}

/** Fallback colours live in styles.css (.speaker-0 … .speaker-7, AA in light and dark). */
export const PALETTE_SIZE = 8;

export function speakerClass(speakerId: number | null): string {
  return speakerId === null ? 'speaker-unknown' : `speaker-${speakerId % PALETTE_SIZE}`;
}

/** A colour the store assigned, if it is a plain CSS hex colour (anything else falls back to the palette). */
export function speakerColour(speaker: Speaker | undefined): string | undefined {
  const colour = speaker?.colour;
  return colour && /^#[0-9a-f]{3,8}$/iu.test(colour) ? colour : undefined;
}
