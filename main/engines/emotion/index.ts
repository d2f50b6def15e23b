export * from './types';
export * from './sensevoice';
export * from './onnx-engine';
export * from './timeline';
export * from './segment';
