export * from './agreement';
export * from './stream';
