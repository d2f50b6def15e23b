import { useSyncExternalStore } from 'react';
import type { VerbatimApi } from '../../../main/api';
import { recordingControllerFor, type RecorderSnapshot, type RecordingController } from './controller';

/** The window's recording controller and its current state; re-renders on every change. */
export function useRecording(api: VerbatimApi): { state: RecorderSnapshot; controller: RecordingController } {
  const controller = recordingControllerFor(api);
  const state = useSyncExternalStore(controller.subscribe, controller.getSnapshot);
  return { state, controller };
}
