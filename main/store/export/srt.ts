import type { MeetingDetail } from '../types';
import { subtitleCues, type CueOptions } from './cues';
import { formatSrtTime } from './time';

/**
 * SubRip. SRT has no speaker markup, so every cue starts with its speaker's name ("Ana: ..."), as
 * Zoom writes transcripts: in a recording of voices only, each subtitle should say who speaks, and
 * the file imports back with its speakers (a prefix only at turn changes would be too rare for the
 * importer to trust it as a name). CRLF line ends, as the format's Windows origins
 * and most players expect. SRT has no escaping: a "-->" in the text would read as a timing line,
 * so it is written "->".
 */
export function exportSrt(detail: MeetingDetail, options: CueOptions = {}): string {
  const blocks = subtitleCues(detail, options).map((cue, i) => {
    const lines = cue.lines.map((line) => line.replace(/-->/g, '->'));
    if (cue.speaker) lines[0] = `${cue.speaker}: ${lines[0] ?? ''}`;
    return [String(i + 1), `${formatSrtTime(cue.startMs)} --> ${formatSrtTime(cue.endMs)}`, ...lines].join(
      '\r\n',
    );
  });
  return blocks.length ? `${blocks.join('\r\n\r\n')}\r\n` : '';
}
