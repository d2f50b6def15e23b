export * from './ctc';
export * from './features';
export * from './metadata';
export * from '../model-files';
export * from './recognizer';
export * from './result';
export * from '../text-pieces';
