/**
 * Meeting audio for playback (issue 4 item 5, issue 9 item 3): where a meeting's audio is, so the app protocol (or the dev bridge) can serve it with range requests.
 */
export const mediaMethods = {} as const;

export const mediaEvents = {} as const;
