import { describe, expect, it } from 'vitest';
import { VadStream } from '../../../main/engines/vad';
import type { VadEvent, VadModel } from '../../../main/engines/vad';

/** Stub model: speech iff the window's mean |x| exceeds 0.05; records what it was given. */
class StubModel implements VadModel {
  readonly sampleRate = 16_000;
  readonly windowSamples = 512;
  readonly windows: Float32Array[] = [];
  resets = 0;
  async predict(window: Float32Array): Promise<number> {
    expect(window.length).toBe(512);
    this.windows.push(window.slice());
    let sum = 0;
    for (const v of window) sum += Math.abs(v);
    // Yield to the event loop like a real async inference would.
    await new Promise((r) => setTimeout(r, 0));
    return sum / window.length > 0.05 ? 0.95 : 0.02;
  }
  reset(): void {
    this.resets++;
  }
}

/** 1 s silence, 1.2 s "speech" (a 0.3-amplitude tone), 1 s silence, 0.5 s speech to the end (no trailing gap). */
function signal(): Float32Array {
  const sr = 16_000;
  const out = new Float32Array(Math.round(3.7 * sr) + 123);
  const speech = (from: number, to: number): void => {
    for (let i = Math.round(from * sr); i < Math.min(out.length, Math.round(to * sr)); i++) {
      out[i] = 0.3 * Math.sin((2 * Math.PI * 220 * i) / sr);
    }
  };
  speech(1, 2.2);
  speech(3.2, 10);
  return out;
}

async function runChunks(
  sizes: number[],
  x: Float32Array,
): Promise<{ events: VadEvent[]; model: StubModel }> {
  const model = new StubModel();
  const stream = new VadStream(model, { speechPadMs: 0 });
  const events: VadEvent[] = [];
  let at = 0;
  let i = 0;
  while (at < x.length) {
    const n = sizes[i++ % sizes.length]!;
    events.push(...(await stream.push(x.subarray(at, Math.min(x.length, at + n)))));
    at += n;
  }
  events.push(...(await stream.flush()));
  return { events, model };
}

describe('VadStream', () => {
  it('produces the same events whatever the chunk sizes', async () => {
    const x = signal();
    const whole = await runChunks([x.length], x);
    expect(whole.events.map((e) => e.type)).toEqual([
      'speech-start',
      'speech-end',
      'speech-start',
      'speech-end',
    ]);
    for (const sizes of [[320], [1], [511, 513, 7], [4096, 100]]) {
      const chunked = await runChunks(sizes, x.slice(0, sizes[0] === 1 ? 20_000 : x.length));
      if (sizes[0] === 1) {
        // Sample-by-sample on a shorter prefix: compare with the same prefix in one push.
        const ref = await runChunks([20_000], x.slice(0, 20_000));
        expect(chunked.events).toEqual(ref.events);
      } else {
        expect(chunked.events).toEqual(whole.events);
        expect(chunked.model.windows.length).toBe(whole.model.windows.length);
      }
    }
  });

  it('feeds the model consecutive 512-sample windows and zero-pads only the tail at flush', async () => {
    const x = signal();
    const { model, events } = await runChunks([1000], x);
    expect(model.windows.length).toBe(Math.ceil(x.length / 512));
    const tail = x.length % 512;
    const last = model.windows.at(-1)!;
    expect(Array.from(last.subarray(0, tail))).toEqual(Array.from(x.subarray(x.length - tail)));
    expect(last.subarray(tail).every((v) => v === 0)).toBe(true);
    expect(Array.from(model.windows[3]!)).toEqual(Array.from(x.subarray(3 * 512, 4 * 512)));
    // The final segment is closed by the flush at the true end of the audio, not at the padded window end.
    const lastEnd = events.at(-1)!;
    expect(lastEnd).toMatchObject({ type: 'speech-end', reason: 'flush', speechSample: x.length });
  });

  it('keeps windows in order when pushes are not awaited', async () => {
    const x = signal();
    const model = new StubModel();
    const stream = new VadStream(model, { speechPadMs: 0 });
    const pending: Array<Promise<VadEvent[]>> = [];
    for (let at = 0; at < x.length; at += 700) pending.push(stream.push(x.slice(at, at + 700)));
    pending.push(stream.flush());
    const events = (await Promise.all(pending)).flat();
    const sequential = await runChunks([700], x);
    expect(events).toEqual(sequential.events);
  });

  it('rejects pushes after flush until reset, which restarts times at 0 and resets the model', async () => {
    const x = signal();
    const model = new StubModel();
    const stream = new VadStream(model, { speechPadMs: 0 });
    await stream.push(x);
    await stream.flush();
    await expect(stream.push(x)).rejects.toThrow(/after flush/);
    await stream.reset();
    expect(model.resets).toBe(1);
    const again = [...(await stream.push(x)), ...(await stream.flush())];
    const first = await runChunks([x.length], x);
    expect(again).toEqual(first.events);
  });

  it('a failing model call rejects that push without wedging later ones', async () => {
    const model = new StubModel();
    let fail = true;
    const inner = model.predict.bind(model);
    model.predict = async (w) => {
      if (fail) {
        fail = false;
        throw new Error('boom');
      }
      return inner(w);
    };
    const stream = new VadStream(model);
    await expect(stream.push(new Float32Array(512))).rejects.toThrow('boom');
    await expect(stream.push(new Float32Array(512))).resolves.toEqual([]);
  });
});
