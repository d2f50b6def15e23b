/**
 * `verbatim record` with fake capture sources in place of parec: both channels go into one recording
 * session of the backend until the stop signal, then the meeting is finalized (files closed and compacted)
 * and its id printed on stdout. A source that cannot start fails the command but still finalizes the meeting.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, type AudioChannel, type AudioFrame } from '../../../main/audio/frames';
import { SourceEvents, type AudioSource } from '../../../main/audio/sources/types';
import { recordCommand } from '../../../main/cli/commands/record';
import { CliError, EXIT } from '../../../main/cli/exit-codes';
import { toneMeeting } from '../../integration/pipeline/tone-meeting';
import { fakeLoader, readArchive, tempDataDir } from '../transcribe/fixture';
import { cliHarness } from './harness';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Delivers `seconds` of the tone meeting's channel in 100 ms bursts, like a capture pipe. */
class FakeSource implements AudioSource {
  private readonly events = new SourceEvents();
  stopped = false;
  readonly delivered: Promise<void>;
  private deliveredResolve!: () => void;
  constructor(
    readonly channel: AudioChannel,
    private readonly seconds: number,
    private readonly failStart = false,
  ) {
    this.delivered = new Promise((resolve) => (this.deliveredResolve = resolve));
  }
  on: AudioSource['on'] = (event, listener) => this.events.on(event, listener);
  async start(onFrame: (frame: AudioFrame) => void): Promise<void> {
    if (this.failStart) throw new Error('parec is not installed');
    const audio = toneMeeting(-20)[this.channel];
    const frames = Math.floor((this.seconds * 16000) / FRAME_SAMPLES);
    void (async () => {
      for (let k = 0; k < frames && !this.stopped; k++) {
        const samples = audio.slice(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES);
        onFrame({ channel: this.channel, seq: k, t: k * 20, epochMs: 0, samples });
        if (k % 5 === 4) await new Promise((r) => setImmediate(r));
      }
      this.deliveredResolve();
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    this.events.emit('ended', { reason: 'stopped' });
  }
}

async function setup() {
  const tmp = await tempDataDir();
  cleanups.push(tmp.remove);
  const h = await cliHarness(join(tmp.dir, 'data'), fakeLoader());
  cleanups.push(() => h.backend.shutdown());
  let stop: () => void = () => undefined;
  const onStopSignal = (s: () => void) => {
    stop = s;
    return () => undefined;
  };
  return { ...h, stop: () => stop(), onStopSignal };
}

describe('verbatim record', () => {
  it('records mic and system into one meeting until the stop signal, then prints its id', async () => {
    const h = await setup();
    const sources = [new FakeSource('mic', 4), new FakeSource('system', 4)];
    const requested: AudioChannel[][] = [];
    const running = recordCommand(
      h.ctx,
      { title: 'Call' },
      {
        platform: 'linux',
        onStopSignal: h.onStopSignal,
        sources: (channels) => {
          requested.push(channels);
          return sources;
        },
      },
    );
    await Promise.all(sources.map((s) => s.delivered));
    h.stop();
    expect(await running, h.err.join('\n')).toBe(EXIT.OK);
    expect(requested).toEqual([['mic', 'system']]);
    expect(sources.every((s) => s.stopped)).toBe(true);
    expect(h.out).toHaveLength(1);
    const meetingId = Number(h.out[0]);
    const meeting = readArchive(h.ctx.dataDir, (s) => s.meetings.get(meetingId))!;
    expect(meeting).toMatchObject({ title: 'Call', status: 'done' });
    // Every frame sent arrived: 4 s per channel, then the files were closed and compacted.
    expect(meeting.durationMs).toBe(4000);
    expect((await readdir(meeting.audioDir!)).sort()).toEqual(['mic.mp3', 'system.mp3']);
    expect(h.err.join('\n')).toMatch(/stopped: 0:04 recorded/);
  });

  it('--no-system asks for the microphone only', async () => {
    const h = await setup();
    const requested: AudioChannel[][] = [];
    const mic = new FakeSource('mic', 1);
    const running = recordCommand(
      h.ctx,
      { noSystem: true },
      {
        platform: 'linux',
        onStopSignal: h.onStopSignal,
        sources: (channels) => {
          requested.push(channels);
          return [mic];
        },
      },
    );
    await mic.delivered;
    h.abort.abort(); // Ctrl-C
    expect(await running).toBe(EXIT.OK);
    expect(requested).toEqual([['mic']]);
    const meeting = readArchive(h.ctx.dataDir, (s) => s.meetings.get(Number(h.out[0])))!;
    expect(await readdir(meeting.audioDir!)).toEqual(['mic.mp3']);
  });

  it('a source that cannot start fails the command, and the meeting is still finalized', async () => {
    const h = await setup();
    const code = await recordCommand(
      h.ctx,
      {},
      {
        platform: 'linux',
        onStopSignal: h.onStopSignal,
        sources: () => [new FakeSource('mic', 1, true)],
      },
    );
    expect(code).toBe(EXIT.FAILED);
    expect(h.err.join('\n')).toMatch(/parec is not installed/);
    expect(readArchive(h.ctx.dataDir, (s) => s.meetings.get(Number(h.out[0]))?.status)).toBe('done');
  });

  it('is refused outside Linux', async () => {
    const h = await setup();
    await expect(recordCommand(h.ctx, {}, { platform: 'darwin' })).rejects.toThrow(CliError);
  });
});
