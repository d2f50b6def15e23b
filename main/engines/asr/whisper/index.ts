export * from './base64-tokens';
export * from './guards';
export * from './metadata';
export * from './recognizer';
export * from './words';
