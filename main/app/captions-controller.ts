import type { RecordingState } from '../api';
import type { MainBackendLink } from './media-protocol';

/**
 * When the small captions window (captions-window.ts, issue 9 item 2) is on screen: while the user wants it
 * (settings.captionsWindow) and a meeting is being recorded (recording or paused). The decisions are a pure
 * reducer, so each rule is tested on its own; createCaptionsController applies them to a real window.
 */

export interface CaptionsState {
  /** settings.captionsWindow as last known. */
  readonly enabled: boolean;
  /** The meeting being recorded (state 'recording' or 'paused'), or null. */
  readonly sessionId: string | null;
  /** The meeting during which the user closed the window: it stays closed until the next one. */
  readonly dismissed: string | null;
  /** Whether the window exists. */
  readonly open: boolean;
}

export type CaptionsInput =
  | { type: 'settings'; captionsWindow: boolean }
  /** From a recording.state event (sessionId and state) or recording.status (null: nothing recording). */
  | { type: 'recording'; sessionId: string | null; state: RecordingState | null }
  /** The backend went away: whatever it was recording has ended with it. */
  | { type: 'backend-lost' }
  /** The window closed without us closing it (the user's Close button, or the window manager). */
  | { type: 'window-closed' };

export type CaptionsAction = 'open' | 'close' | null;

export const INITIAL_CAPTIONS_STATE: CaptionsState = {
  enabled: false,
  sessionId: null,
  dismissed: null,
  open: false,
};

const LIVE: ReadonlySet<RecordingState> = new Set(['recording', 'paused']);

function apply(state: CaptionsState, input: CaptionsInput): CaptionsState {
  switch (input.type) {
    case 'settings':
      // Switching it on is an explicit request: it overrides a Close earlier in the same meeting.
      return {
        ...state,
        enabled: input.captionsWindow,
        dismissed: input.captionsWindow && !state.enabled ? null : state.dismissed,
      };
    case 'recording': {
      const live = input.sessionId !== null && input.state !== null && LIVE.has(input.state);
      if (live) return { ...state, sessionId: input.sessionId };
      // An end reported for some other session (a stale event) does not end the current one.
      if (input.sessionId !== null && state.sessionId !== null && input.sessionId !== state.sessionId)
        return state;
      return { ...state, sessionId: null };
    }
    case 'backend-lost':
      return { ...state, sessionId: null };
    case 'window-closed':
      return { ...state, open: false, dismissed: state.sessionId ?? state.dismissed };
  }
}

/** Whether the window should be on screen in this state. */
export function wantsCaptionsWindow(state: CaptionsState): boolean {
  return state.enabled && state.sessionId !== null && state.dismissed !== state.sessionId;
}

/** The next state and what to do to the window; `open` in the result already reflects the action. */
export function reduceCaptions(
  state: CaptionsState,
  input: CaptionsInput,
): { state: CaptionsState; action: CaptionsAction } {
  const next = apply(state, input);
  const want = wantsCaptionsWindow(next);
  if (want && !next.open) return { state: { ...next, open: true }, action: 'open' };
  if (!want && next.open) return { state: { ...next, open: false }, action: 'close' };
  return { state: next, action: null };
}

/** What the controller needs of a BrowserWindow. */
export interface CaptionsWindowLike {
  close(): void;
  isDestroyed(): boolean;
  once(event: 'closed', listener: () => void): unknown;
}

export interface CaptionsControllerOptions {
  link: Pick<MainBackendLink, 'on' | 'invoke' | 'connected'>;
  /** Creates and shows the window (createCaptionsWindow in the app). */
  openWindow(): CaptionsWindowLike;
  log?: (message: string, detail?: unknown) => void;
}

export interface CaptionsController {
  readonly state: CaptionsState;
  /** Closes the window as the user would (it stays closed for this meeting): the main window went away. */
  dismiss(): void;
  /** Stops following the backend and closes the window. */
  dispose(): void;
}

/**
 * Follows the backend through main's own link: settings.changed and recording.state as they happen, and
 * settings.get + recording.status whenever the link (re)connects, since events sent while there was no
 * backend are lost. An answer is dropped if an event of the same kind arrived while it was on its way:
 * the event is newer.
 */
export function createCaptionsController(options: CaptionsControllerOptions): CaptionsController {
  const { link } = options;
  const log = options.log ?? ((message, detail) => console.error(`[captions] ${message}`, detail ?? ''));
  let state = INITIAL_CAPTIONS_STATE;
  let window: CaptionsWindowLike | null = null;
  let disposed = false;
  let settingsEvents = 0;
  let recordingEvents = 0;
  let syncs = 0;

  function dispatch(input: CaptionsInput): void {
    if (disposed) return;
    const { state: next, action } = reduceCaptions(state, input);
    state = next;
    if (action === 'open') openWindow();
    if (action === 'close') closeWindow();
  }

  function openWindow(): void {
    let created: CaptionsWindowLike;
    try {
      created = options.openWindow();
    } catch (error) {
      log('could not open the captions window', error);
      // Counted as closed by the user, so a failing window is not retried on every event of this meeting.
      dispatch({ type: 'window-closed' });
      return;
    }
    window = created;
    created.once('closed', () => {
      if (window !== created) return; // we closed it ourselves
      window = null;
      dispatch({ type: 'window-closed' });
    });
  }

  function closeWindow(): void {
    const current = window;
    window = null;
    if (current && !current.isDestroyed()) current.close();
  }

  async function sync(): Promise<void> {
    const settingsMark = settingsEvents;
    const recordingMark = recordingEvents;
    const mine = ++syncs;
    const [settings, status] = await Promise.all([
      link.invoke('settings.get', {}),
      link.invoke('recording.status', {}),
    ]);
    if (mine !== syncs) return; // a later (re)connection asked again
    if (settings.ok && settingsMark === settingsEvents)
      dispatch({ type: 'settings', captionsWindow: settings.value.captionsWindow });
    else if (!settings.ok) log('could not read the settings', settings.error);
    if (status.ok && recordingMark === recordingEvents) {
      const session = status.value.session;
      dispatch({ type: 'recording', sessionId: session?.sessionId ?? null, state: session?.state ?? null });
    } else if (!status.ok) log('could not read the recording status', status.error);
  }

  const unsubscribe = [
    link.on('settings.changed', (settings) => {
      settingsEvents++;
      dispatch({ type: 'settings', captionsWindow: settings.captionsWindow });
    }),
    link.on('recording.state', (event) => {
      recordingEvents++;
      dispatch({ type: 'recording', sessionId: event.sessionId, state: event.state });
    }),
    link.on('backend.connection', (event) => {
      if (event.state === 'disconnected') dispatch({ type: 'backend-lost' });
      else void sync();
    }),
  ];
  if (link.connected) void sync();

  return {
    get state() {
      return state;
    },
    dismiss() {
      if (!window) return;
      closeWindow();
      // Our own close, recorded as the user's: not reopened during this meeting.
      dispatch({ type: 'window-closed' });
    },
    dispose() {
      for (const off of unsubscribe) off();
      closeWindow();
      disposed = true;
    },
  };
}
