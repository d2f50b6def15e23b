/**
 * When to restart a crashed backend: with exponential backoff, and not at all once it has
 * crashed `maxRestarts` times within `windowMs` (a crash loop must not spin the CPU or hide a
 * broken install). Same policy and defaults as main/backend/supervisor.ts, which drives forked
 * processes through an ApiClient and so cannot host a utilityProcess whose ports go straight
 * to the renderers.
 */
export interface RestartPolicyOptions {
  maxRestarts?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string };

export interface RestartPolicy {
  /** Records a crash at `now` and says whether (and when) to restart. */
  next(now: number): RestartDecision;
}

export function createRestartPolicy(options: RestartPolicyOptions = {}): RestartPolicy {
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const maxDelayMs = options.maxDelayMs ?? 2000;
  const recent: number[] = [];
  return {
    next(now) {
      while (recent.length > 0 && now - recent[0]! > windowMs) recent.shift();
      if (recent.length >= maxRestarts) {
        return { restart: false, reason: `${maxRestarts} restarts within ${windowMs} ms` };
      }
      recent.push(now);
      return { restart: true, delayMs: Math.min(maxDelayMs, baseDelayMs * 2 ** (recent.length - 1)) };
    },
  };
}
