import type { MeetingDetail } from '../types';
import { formatClock, formatDateTime, formatDuration } from './time';
import { participants, speakerTurns } from './turns';

/** Plain text: a short header, the notes, then "[hh:mm:ss] Name: text" per speaker turn. */
export function exportText(detail: MeetingDetail, options: { timeZone?: string } = {}): string {
  const { meeting } = detail;
  const out = [
    meeting.title || 'Untitled meeting',
    `${formatDateTime(meeting.startedAt, options.timeZone)}, ${formatDuration(meeting.durationMs)}`,
  ];
  const people = participants(detail);
  if (people.length) out.push(`Participants: ${people.join(', ')}`);
  out.push('');
  if (detail.notes.length) {
    out.push('Notes:');
    for (const note of detail.notes) {
      const at = note.atMs === null ? '' : `[${formatClock(note.atMs)}] `;
      const kind = note.kind === 'bookmark' ? 'Bookmark' + (note.text ? ': ' : '') : '';
      out.push(`${at}${kind}${note.text}`);
    }
    out.push('');
  }
  for (const turn of speakerTurns(detail)) {
    out.push(`[${formatClock(turn.startMs)}] ${turn.speaker}: ${turn.segments.map((s) => s.text).join(' ')}`);
  }
  return `${out.join('\n')}\n`;
}
