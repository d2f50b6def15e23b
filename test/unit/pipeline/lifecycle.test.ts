import { describe, expect, it } from 'vitest';
import { canTransition, InvalidTransitionError, Lifecycle } from '../../../main/pipeline/lifecycle';
import { resolveRecognizers } from '../../../main/pipeline/recognizers';
import { PseudoStreamingRecognizer } from '../../../main/engines/asr/pseudo-stream';
import type { OfflineRecognizer, StreamingRecognizer } from '../../../main/engines/asr/types';

describe('session lifecycle', () => {
  it('follows idle -> starting -> recording <-> paused -> finalizing -> done', () => {
    const l = new Lifecycle();
    for (const s of ['starting', 'recording', 'paused', 'recording', 'paused', 'finalizing', 'done'] as const)
      l.to(s);
    expect(l.state).toBe('done');
  });

  it('rejects invalid transitions and leaves the state unchanged', () => {
    const l = new Lifecycle();
    expect(() => l.to('recording')).toThrow(InvalidTransitionError);
    expect(l.state).toBe('idle');
    l.to('starting');
    l.to('recording');
    expect(() => l.to('done')).toThrow(/recording.*done/);
    expect(canTransition('done', 'recording')).toBe(false);
    expect(canTransition('recording', 'interrupted')).toBe(false);
    expect(canTransition('paused', 'error')).toBe(true);
  });
});

describe('resolveRecognizers', () => {
  const streaming = { modelId: 's', chunkSamples: 5120 } as StreamingRecognizer;
  const offline = { modelId: 'o', maxSamples: 16000 * 30 } as OfflineRecognizer;
  it('picks the mode from the installed models', () => {
    expect(resolveRecognizers(streaming, offline)).toMatchObject({
      mode: 'streaming+final-pass',
      finalPass: offline,
    });
    expect(resolveRecognizers(streaming, null)).toMatchObject({ mode: 'streaming', finalPass: null });
    const pseudo = resolveRecognizers(null, offline);
    expect(pseudo.mode).toBe('pseudo-streaming');
    expect(pseudo.streaming).toBeInstanceOf(PseudoStreamingRecognizer);
    expect(pseudo.finalPass).toBeNull();
    expect(resolveRecognizers(undefined, undefined)).toEqual({
      mode: 'none',
      streaming: null,
      finalPass: null,
      reason: 'no-asr-model',
    });
  });
});
