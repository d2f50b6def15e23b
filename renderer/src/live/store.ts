/**
 * The live captions of this window, outside React: the transcript events reduced by captions.ts. Like the
 * recording controller it lives as long as the API connection, not as long as the Live page, so switching
 * pages (or opening the captions window mid-meeting) keeps or recovers what was said. A speaker renamed
 * during the meeting shows under the new name from its next final on (each final carries its speaker).
 */
import { useSyncExternalStore } from 'react';
import type { VerbatimApi } from '../../../main/api';
import { EMPTY_CAPTIONS, reduceCaptions, type CaptionsAction, type CaptionsState } from './captions';

export class LiveCaptions {
  private state: CaptionsState = EMPTY_CAPTIONS;
  private readonly listeners = new Set<() => void>();
  /** Meetings whose archived segments were asked for already (one catch-up per meeting). */
  private readonly loaded = new Set<number>();

  constructor(private readonly api: VerbatimApi) {
    api.on('transcript.partial', (event) => this.dispatch({ type: 'transcript.partial', event }));
    api.on('transcript.final', (event) => this.dispatch({ type: 'transcript.final', event }));
    api.on('transcript.echo-dropped', (event) => this.dispatch({ type: 'transcript.echo-dropped', event }));
    api.on('transcript.status', (event) => this.dispatch({ type: 'transcript.status', event }));
    api.on('transcript.lag', (event) => this.dispatch({ type: 'transcript.lag', event }));
    api.on('recording.state', ({ meetingId, state }) => {
      if (state === 'recording') this.dispatch({ type: 'meeting', meetingId });
    });
    api.on('backend.connection', ({ state }) => {
      if (state !== 'disconnected') void this.catchUp();
    });
    void this.catchUp();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): CaptionsState => this.state;

  dispatch(action: CaptionsAction): void {
    const next = reduceCaptions(this.state, action);
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  /** A meeting already running when this window opened: show what the archive holds of it. */
  private async catchUp(): Promise<void> {
    const status = await this.api.invoke('recording.status', {});
    const session = status.ok ? status.value.session : null;
    if (!session || session.mode !== 'live' || this.loaded.has(session.meetingId)) return;
    this.loaded.add(session.meetingId);
    const detail = await this.api.invoke('meetings.get', { meetingId: session.meetingId });
    if (!detail.ok) return;
    const { segments, speakers } = detail.value;
    this.dispatch({ type: 'loaded', meetingId: session.meetingId, segments, speakers });
  }
}

const stores = new WeakMap<VerbatimApi, LiveCaptions>();

export function liveCaptionsFor(api: VerbatimApi): LiveCaptions {
  let store = stores.get(api);
  if (!store) stores.set(api, (store = new LiveCaptions(api)));
  return store;
}

/**
 * One part of the captions state; the component re-renders only when that part changes (`select` must
 * return something the reducer keeps identical while unchanged, e.g. state.status).
 */
export function useCaptionsPart<T>(api: VerbatimApi, select: (state: CaptionsState) => T): T {
  const store = liveCaptionsFor(api);
  return useSyncExternalStore(store.subscribe, () => select(store.getSnapshot()));
}

export function useLiveCaptions(api: VerbatimApi): { captions: CaptionsState; store: LiveCaptions } {
  const store = liveCaptionsFor(api);
  const captions = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return { captions, store };
}
