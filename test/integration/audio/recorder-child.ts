/**
 * Forked by recorder-crash.test.ts: records synthesized speech through ChannelRecorder at real-time pace
 * and tells the parent, after every append, how many frames it has handed over. The parent kill -9s it.
 */
import { readFileSync } from 'node:fs';
import { FRAME_SAMPLES } from '../../../main/audio/frames';
import { ChannelRecorder } from '../../../main/audio/recorder';

async function main(): Promise<void> {
  const [path, speechPath] = process.argv.slice(2) as [string, string];
  const raw = readFileSync(speechPath);
  const speech = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const recorder = await ChannelRecorder.create({ path });
  const total = Math.floor(speech.length / FRAME_SAMPLES);
  const started = performance.now();
  let seq = 0;
  const tick = () => {
    // Catch up to wall time: timers are coarse, capture is not.
    const due = Math.min(total, Math.floor((performance.now() - started) / 20));
    for (; seq < due; seq++) {
      recorder.append({
        channel: 'mic',
        seq,
        t: seq * 20,
        epochMs: 0,
        samples: speech.slice(seq * FRAME_SAMPLES, (seq + 1) * FRAME_SAMPLES),
      });
      process.send!({ sent: seq + 1 });
    }
    if (seq < total) setTimeout(tick, 10);
    else void recorder.close().then(() => process.send!({ done: true }));
  };
  process.send!({ ready: true });
  tick();
}

void main();
