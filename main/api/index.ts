// The contract between the renderer and the backend. The renderer may import only from here.
export * from './errors';
export * from './settings';
export * from './archive';
export * from './models';
export * from './recording';
export * from './transcript';
export * from './transcribe';
export * from './review';
export * from './voices';
export * from './media';
export * from './system';
export * from './methods';
export * from './events';
export * from './protocol';
export * from './client';
export * from './transports';
