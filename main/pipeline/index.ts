export * from './types';
export * from './endpoint';
export * from './echo-guard';
export * from './lifecycle';
export * from './recognizers';
export { MicEchoStage } from './echo-stage';
export { diarizerSpeakerAssigner } from './speaker';
export {
  createSession,
  LiveSession,
  DEFAULT_SESSION_CONFIG,
  type SessionConfig,
  type SessionOptions,
  type SessionStore,
} from './session';
