/**
 * The machine as the Settings screen shows it (issue 9 item 5): data folder and disk use.
 */
export const systemMethods = {} as const;

export const systemEvents = {} as const;
