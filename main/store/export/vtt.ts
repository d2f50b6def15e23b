import type { MeetingDetail } from '../types';
import { subtitleCues, type CueOptions } from './cues';
import { formatVttTime } from './time';

const escapeText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** WebVTT with a <v Name> voice tag on every cue (as Teams writes it), so players and importers know who spoke. */
export function exportVtt(detail: MeetingDetail, options: CueOptions = {}): string {
  const out = ['WEBVTT', ''];
  for (const cue of subtitleCues(detail, options)) {
    out.push(`${formatVttTime(cue.startMs)} --> ${formatVttTime(cue.endMs)}`);
    const lines = cue.lines.map(escapeText);
    if (cue.speaker) lines[0] = `<v ${escapeText(cue.speaker)}>${lines[0] ?? ''}`;
    out.push(...lines, '');
  }
  return out.join('\n');
}
