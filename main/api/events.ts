import { z } from 'zod';
import { archiveEvents } from './archive';
import { mediaEvents } from './media';
import { modelEvents } from './models';
import { recordingEvents } from './recording';
import { reviewEvents } from './review';
import { transcribeEvents } from './transcribe';
import { transcriptEvents } from './transcript';
import { voiceEvents } from './voices';
import { systemEvents } from './system';
import { SettingsSchema } from './settings';

/**
 * The event half of the contract: backend -> renderer notifications. Events are broadcast to
 * every connection; payloads are validated by the backend before sending (a bug there must not
 * reach the UI as garbage).
 */
export const events = {
  'settings.changed': SettingsSchema,
  /** Sent by whoever hosts the backend connection (preload, bridge) when the link changes. */
  'backend.connection': z.object({
    state: z.enum(['connected', 'disconnected', 'restarted']),
    /** How many times the backend has been restarted by its host since the app started. */
    restarts: z.number().int().min(0),
  }),
  ...archiveEvents,
  ...modelEvents,
  ...recordingEvents,
  ...transcriptEvents,
  ...transcribeEvents,
  ...reviewEvents,
  ...voiceEvents,
  ...mediaEvents,
  ...systemEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type PayloadOf<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}
