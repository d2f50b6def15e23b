/**
 * `verbatim transcribe <audio>` in-process with fake engines: the file becomes a meeting with its audio and
 * a transcript, progress and finals are shown (bar on a TTY, plain lines otherwise), the export is written,
 * and a script can tell the outcomes apart by exit code: no ASR model (3), Ctrl-C (130, what was committed
 * stays), bad usage (2), missing file (3).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { transcribeCommand } from '../../../main/cli/commands/transcribe';
import { EXIT } from '../../../main/cli/exit-codes';
import { runCli } from '../../../main/cli/index';
import { fakeLoader, Gate, readArchive, tempDataDir } from '../transcribe/fixture';
import { cliHarness, toneFile, type Harness } from './harness';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Parameters<typeof fakeLoader>[0] = {}, isTty = false) {
  const tmp = await tempDataDir();
  cleanups.push(tmp.remove);
  const h = await cliHarness(join(tmp.dir, 'data'), fakeLoader(options), isTty);
  cleanups.push(() => h.backend.shutdown());
  return { ...h, dir: tmp.dir, file: await toneFile(tmp.dir) };
}

/** First word of each turn of the one-channel file (the double talk is one turn there). */
const TURNS = ['t300', 't400', 't700', 't500', 't800'];

const segmentsOf = (h: Harness, meetingId: number) =>
  readArchive(h.ctx.dataDir, (s) => s.segments.list(meetingId));
const meetingIdIn = (lines: string[]) => Number(/meeting (\d+)/.exec(lines.join('\n'))?.[1]);

describe('verbatim transcribe', () => {
  it('imports the file as a meeting with audio, transcribes it, prints finals and writes the export', async () => {
    const h = await setup();
    const out = join(h.dir, 'notes.txt');
    const code = await transcribeCommand(h.ctx, h.file, { title: 'Stand-up', export: 'txt', out });
    expect(code, h.err.join('\n')).toBe(EXIT.OK);
    const meetingId = meetingIdIn(h.out);
    const [meeting, segments] = readArchive(h.ctx.dataDir, (s) => [
      s.meetings.get(meetingId)!,
      s.segments.list(meetingId),
    ]);
    expect(meeting).toMatchObject({ title: 'Stand-up', status: 'done' });
    expect(meeting.durationMs).toBeGreaterThan(16_000);
    // The audio is kept with the meeting (compacted), as the app's recordings are.
    expect(await readdir(meeting.audioDir!)).toContain('system.mp3');
    // Every turn of the file (the double talk is one turn in a one-channel file), all on 'system'.
    expect(segments.map((s) => s.text.split(' ')[0])).toEqual(TURNS);
    expect(segments.every((s) => s.channel === 'system')).toBe(true);
    // One printed line per final, in order, then the summary and the export's path.
    const finalLines = h.out.filter((l) => l.startsWith('['));
    expect(finalLines).toHaveLength(segments.length);
    expect(finalLines[0]).toMatch(/^\[0:01\] S1: t300/);
    expect(h.out).toContain(`meeting ${meetingId} "Stand-up": ${segments.length} segments`);
    expect(h.out.at(-1)).toBe(out);
    expect(await readFile(out, 'utf8')).toContain('t800');
    // Plain progress lines (not a TTY): a few, each on its own, ending at 100%.
    const progress = h.err.filter((l) => /^(importing|transcribing) \d+%/.test(l));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.length).toBeLessThan(30);
    expect(progress.some((l) => l.startsWith('importing 100%'))).toBe(true);
    expect(h.tty).toEqual([]);
  });

  it('draws a progress bar with the live partial on a TTY', async () => {
    const h = await setup({}, true);
    const code = await transcribeCommand(h.ctx, h.file, {}, { write: h.write, columns: 100 });
    expect(code).toBe(EXIT.OK);
    const drawn = h.tty.filter((t) => t.includes('%'));
    const CLEAR = '\r\u001b[K';
    expect(drawn.every((t) => t.startsWith(CLEAR))).toBe(true);
    expect(drawn.some((t) => /^transcribing \[[#.]{20}\] +\d+%/.test(t.slice(CLEAR.length)))).toBe(true);
    expect(drawn.some((t) => /t\d00/.test(t))).toBe(true); // a partial was shown
    expect(drawn.every((t) => t.length <= 100 + 4)).toBe(true);
    expect(h.out.some((l) => l.startsWith('meeting '))).toBe(true);
  });

  it('exits 3 with a clear message when no ASR model is installed, keeping the audio', async () => {
    const h = await setup({ asr: false });
    expect(await transcribeCommand(h.ctx, h.file, {})).toBe(EXIT.NOT_FOUND);
    expect(h.err.join('\n')).toMatch(/No speech recognition model is installed/);
    const meetingId = meetingIdIn(h.err);
    expect(readArchive(h.ctx.dataDir, (s) => s.meetings.get(meetingId)?.audioDir)).toBeTruthy();
  });

  it('Ctrl-C during transcription exits 130 and keeps what was committed', async () => {
    const gate = new Gate(9000);
    const h = await setup({ gate });
    const running = transcribeCommand(h.ctx, h.file, {});
    await gate.reached;
    h.abort.abort();
    gate.open();
    expect(await running).toBe(EXIT.INTERRUPTED);
    const meetingId = meetingIdIn(h.err);
    const kept = segmentsOf(h, meetingId);
    // A prefix of the transcript: nothing after the stop, nothing lost before it.
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(TURNS.length);
    expect(kept.map((s) => s.text.split(' ')[0])).toEqual(TURNS.slice(0, kept.length));
    expect(readArchive(h.ctx.dataDir, (s) => s.jobs.get(meetingId)?.state)).toBe('cancelled');
  });

  it('usage errors exit 2, a missing file 3, an unsupported file 1 (before any model is loaded)', async () => {
    const tmp = await tempDataDir();
    cleanups.push(tmp.remove);
    const err: string[] = [];
    const run = (...argv: string[]) =>
      runCli(['--data-dir', join(tmp.dir, 'data'), ...argv], {
        out: () => undefined,
        err: (l) => err.push(l),
        isTty: false,
      });
    const file = await toneFile(tmp.dir);
    expect(await run('transcribe')).toBe(EXIT.USAGE);
    expect(await run('transcribe', file, '--language', 'klingon')).toBe(EXIT.USAGE);
    expect(err.at(-1)).toMatch(/unknown language 'klingon' \(auto, en/);
    expect(await run('transcribe', file, '--export', 'docx')).toBe(EXIT.USAGE);
    expect(await run('transcribe', file, '--out', 'x.md')).toBe(EXIT.USAGE);
    expect(await run('transcribe', join(tmp.dir, 'nope.wav'))).toBe(EXIT.NOT_FOUND);
    const text = join(tmp.dir, 'notes.ogg');
    await (await import('node:fs/promises')).writeFile(text, 'OggS not really');
    expect(await run('transcribe', text)).toBe(EXIT.FAILED);
    expect(err.at(-1)).toMatch(/unsupported format \(ogg\)/);
  });
});
