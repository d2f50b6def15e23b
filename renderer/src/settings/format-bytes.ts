const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** "0 bytes", "512 bytes", "1.5 KB", "12 MB", "1.2 TB": binary units, 2 significant digits below 10. */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${Math.round(value)} ${value === 1 ? 'byte' : 'bytes'}`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}
