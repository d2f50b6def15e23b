/**
 * The review queue (issue 9 item 4): ranked spans most likely wrong, accept, correct, fix all, undo, vocabulary.
 */
export const reviewMethods = {} as const;

export const reviewEvents = {} as const;
