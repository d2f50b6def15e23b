/** Time formats of the exports. Meeting-relative times are ms from the meeting's start. */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function parts(ms: number): [number, number, number, number] {
  const total = Math.max(0, Math.round(ms));
  return [
    Math.floor(total / 3_600_000),
    Math.floor(total / 60_000) % 60,
    Math.floor(total / 1000) % 60,
    total % 1000,
  ];
}

/** hh:mm:ss, for transcript timestamps. */
export function formatClock(ms: number): string {
  const [h, m, s] = parts(ms);
  return `${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** SubRip: hh:mm:ss,mmm */
export function formatSrtTime(ms: number): string {
  const [h, m, s, f] = parts(ms);
  return `${pad(h)}:${pad(m)}:${pad(s)},${pad(f, 3)}`;
}

/** WebVTT: hh:mm:ss.mmm */
export function formatVttTime(ms: number): string {
  const [h, m, s, f] = parts(ms);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(f, 3)}`;
}

/** "1 h 02 min", "12 min 05 s", "45 s". */
export function formatDuration(ms: number): string {
  const [h, m, s] = parts(ms);
  if (h > 0) return `${h} h ${pad(m)} min`;
  if (m > 0) return `${m} min ${pad(s)} s`;
  return `${s} s`;
}

/**
 * "YYYY-MM-DD HH:mm" in the given IANA time zone (default: the machine's), the same in every
 * locale so exports are stable and sortable.
 */
export function formatDateTime(epochMs: number, timeZone?: string): string {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const get = (type: string): string =>
    format.formatToParts(new Date(epochMs)).find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
