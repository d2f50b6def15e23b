export * from './layout';
export * from './search';
export * from './hotwords';
export * from './words';
export * from './model';
export * from './recognizer';
