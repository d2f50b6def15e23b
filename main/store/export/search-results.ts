import { snippetParts, type SearchHit } from '../search';
import { escapeMarkdown } from './markdown-escape';
import { formatClock, formatDateTime } from './time';

/** A search result set as Markdown: grouped by meeting, highlights in bold. */
export function exportSearchResultsMarkdown(
  query: string,
  hits: readonly SearchHit[],
  options: { timeZone?: string } = {},
): string {
  const out = [`# Search: ${escapeMarkdown(query)}`, ''];
  const byMeeting = new Map<number, SearchHit[]>();
  for (const hit of hits) {
    const list = byMeeting.get(hit.meetingId) ?? [];
    list.push(hit);
    byMeeting.set(hit.meetingId, list);
  }
  for (const group of byMeeting.values()) {
    const first = group[0] as SearchHit;
    out.push(
      `## ${escapeMarkdown(first.meetingTitle || 'Untitled meeting')} (${formatDateTime(first.meetingStartedAt, options.timeZone)})`,
      '',
    );
    for (const hit of group) {
      const at = hit.startMs === null ? '' : `[${formatClock(hit.startMs)}] `;
      const who =
        hit.kind === 'note'
          ? '**Note:** '
          : hit.speakerName
            ? `**${escapeMarkdown(hit.speakerName)}:** `
            : '';
      const text = snippetParts(hit.snippet)
        .map((p) => (p.highlight ? `**${escapeMarkdown(p.text)}**` : escapeMarkdown(p.text)))
        .join('');
      out.push(`- ${at}${who}${text.replace(/\n/g, ' ')}`);
    }
    out.push('');
  }
  return out.join('\n');
}
