/**
 * Progress output of long CLI commands. On a terminal: one status line on stderr, redrawn in place (a bar,
 * percent, time left, and the live partial). Otherwise: a plain line at most every 10%, so a log file
 * stays short and every line stands on its own.
 */
export interface StatusLine {
  /** Redraws the status line (TTY) or prints a line when the step is worth one (plain). */
  progress(label: string, done: number, total: number, etaMs: number | null, partial?: string): void;
  /** Prints a whole line above the status line. */
  line(text: string): void;
  /** Clears the status line (before the last messages). */
  clear(): void;
}

export function statusLine(options: {
  isTty: boolean;
  /** Raw stderr writes (TTY only). */
  write: (text: string) => void;
  out: (line: string) => void;
  err: (line: string) => void;
  columns?: number;
}): StatusLine {
  let lastStep = -1;
  let lastLabel = '';
  let drawn = false;
  const width = Math.max(40, options.columns ?? 80);
  const clear = () => {
    if (drawn) options.write('\r\u001b[K');
    drawn = false;
  };
  return {
    progress(label, done, total, etaMs, partial) {
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const pct = Math.floor(fraction * 100);
      const left = etaMs === null ? '' : ` ${clock(etaMs)} left`;
      if (!options.isTty) {
        const step = Math.floor(pct / 10);
        if (step === lastStep && label === lastLabel) return;
        lastStep = step;
        lastLabel = label;
        options.err(`${label} ${pct}%${left}`);
        return;
      }
      const barWidth = 20;
      const filled = Math.round(fraction * barWidth);
      let text = `${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${String(pct).padStart(3)}%${left}`;
      if (partial) text += `  ${partial}`;
      // Never wrap: a wrapped status line cannot be redrawn with \r.
      if (text.length > width - 1) text = `${text.slice(0, width - 2)}…`;
      options.write(`\r\u001b[K${text}`);
      drawn = true;
    },
    line(text) {
      clear();
      options.out(text);
    },
    clear,
  };
}

/** h:mm:ss, or m:ss under an hour. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
