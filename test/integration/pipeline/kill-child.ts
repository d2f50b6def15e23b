/**
 * Child process for the kill -9 test: runs a live session (fake VAD + tone recognizer) writing to the store
 * file in argv[2], feeding the tone meeting again and again in real-time-ish steps, and reports every final
 * to the parent right after it was emitted (so after its commit). It never stops on its own.
 */
import { createSession } from '../../../main/pipeline';
import { openStore } from '../../../main/store';
import { energyVad, ToneStreaming } from './fakes';
import { framesOf, toneMeeting, TONE_LENGTH_S } from './tone-meeting';

const store = openStore(process.argv[2]!);
const session = createSession({
  store,
  engines: { vad: energyVad(), streaming: new ToneStreaming(), createEchoCanceller: null },
});
session.on((e) => {
  if (e.type === 'final') process.send!({ final: { id: e.segmentId, text: e.text, channel: e.channel } });
});

async function main(): Promise<void> {
  await session.start();
  process.send!({ meetingId: session.meetingId });
  const meeting = toneMeeting(-20);
  for (let loop = 0; ; loop++) {
    let k = 0;
    for (const f of framesOf(meeting)) {
      session.pushFrame({ ...f, t: f.t + loop * TONE_LENGTH_S * 1000, seq: f.seq + loop * 1000 });
      if (++k % 50 === 0) {
        await session.whenIdle();
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }
}
void main();
