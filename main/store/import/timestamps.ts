/** WebVTT: [hh:]mm:ss.ttt, hours of any width, minutes and seconds two digits below 60. */
export function parseVttTimestamp(text: string): number | null {
  const m = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/u.exec(text);
  if (!m) return null;
  return ((Number(m[1] ?? 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]);
}

/**
 * SRT: hh:mm:ss,mmm. Writers in the wild also use '.', drop leading zeros or give fewer
 * millisecond digits ("0:00:01,5" is 1.5 s), so those are accepted; minutes and seconds must
 * still be below 60.
 */
export function parseSrtTimestamp(text: string): number | null {
  const m = /^(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/u.exec(text);
  if (!m) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (min > 59 || s > 59) return null;
  return ((h * 60 + min) * 60 + s) * 1000 + Number((m[4] ?? '0').padEnd(3, '0'));
}
