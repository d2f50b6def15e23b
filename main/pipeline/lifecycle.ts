/**
 * Session lifecycle (DESIGN.md "The live session"): idle -> starting -> recording <-> paused -> finalizing ->
 * done, with error reachable from any live state. 'interrupted' is never entered by a running session: the
 * store's start-up recovery marks a meeting interrupted after a crash.
 */
import type { SessionState } from './types';

const TRANSITIONS: Readonly<Record<SessionState, readonly SessionState[]>> = {
  idle: ['starting', 'error'],
  starting: ['recording', 'error'],
  recording: ['paused', 'finalizing', 'error'],
  paused: ['recording', 'finalizing', 'error'],
  finalizing: ['done', 'error'],
  done: [],
  interrupted: [],
  error: [],
};

export function canTransition(from: SessionState, to: SessionState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class InvalidTransitionError extends Error {
  constructor(
    readonly from: SessionState,
    readonly to: SessionState,
  ) {
    super(`session cannot go from '${from}' to '${to}'`);
    this.name = 'InvalidTransitionError';
  }
}

export class Lifecycle {
  private current: SessionState = 'idle';

  get state(): SessionState {
    return this.current;
  }

  /** Moves to `to` or throws InvalidTransitionError (the state is left unchanged). */
  to(to: SessionState): void {
    if (!canTransition(this.current, to)) throw new InvalidTransitionError(this.current, to);
    this.current = to;
  }
}
