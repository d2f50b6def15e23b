/**
 * AudioWorklet processor: cuts the capture stream into the app's frame format (20 ms = 320 samples at
 * 16 kHz) and posts each frame, with its sequence number and capture time, to the page.
 *
 * Resampling: the page creates its AudioContext with sampleRate 16000, so Chromium resamples the
 * microphone track (44.1/48 kHz) to 16 kHz before it reaches this processor, with its windowed-sinc
 * resampler (anti-aliased, the one WebAudio uses for every rate conversion). A resampler here would be a
 * second, hand-written copy of the same job on the real-time thread; this processor only refuses to run
 * at any other rate, so a future change to the context cannot silently record the wrong speed.
 *
 * Built by Vite as its own file (`?worker&url`) and loaded from our origin: the CSP allows no blob: or
 * data: modules.
 */

// The AudioWorkletGlobalScope is not part of TypeScript's DOM lib.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  ctor: new () => AudioWorkletProcessor & {
    process(inputs: Float32Array[][]): boolean;
  },
): void;

import { WORKLET_PROCESSOR, type WorkletCommand, type WorkletMessage } from './protocol';

const FRAME_SAMPLES = 320;
const RATE = 16_000;

class CaptureProcessor extends AudioWorkletProcessor {
  private frame = new Float32Array(FRAME_SAMPLES);
  private fill = 0;
  private seq = 0;
  private stopped = false;

  constructor() {
    super();
    if (sampleRate !== RATE) {
      this.stopped = true;
      this.post({
        kind: 'error',
        message: `capture worklet needs a ${RATE} Hz context, got ${sampleRate} Hz`,
      });
    }
    this.port.onmessage = (e: MessageEvent<WorkletCommand>) => {
      if (e.data?.kind === 'stop') this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    // Only the first channel: the track is requested mono. No input (device unplugged, between devices)
    // still advances the clock with silence, so file time keeps matching capture time.
    const input = inputs[0]?.[0];
    const quantum = input?.length ?? 128;
    for (let i = 0; i < quantum; i++) {
      this.frame[this.fill++] = input ? input[i]! : 0;
      if (this.fill === FRAME_SAMPLES) {
        const samples = this.frame;
        this.post(
          // t from the sample clock, not currentTime: jitter-free, and the render thread never skips
          // quanta (input underruns arrive as silence), so seq * 20 ms is exact capture time.
          { kind: 'frame', seq: this.seq, t: (this.seq * FRAME_SAMPLES * 1000) / RATE, samples },
          [samples.buffer],
        );
        this.seq++;
        this.frame = new Float32Array(FRAME_SAMPLES);
        this.fill = 0;
      }
    }
    return true;
  }

  private post(message: WorkletMessage, transfer: Transferable[] = []): void {
    this.port.postMessage(message, transfer);
  }
}

registerProcessor(WORKLET_PROCESSOR, CaptureProcessor);
