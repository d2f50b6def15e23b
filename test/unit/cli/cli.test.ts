import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../../main/cli/exit-codes';
import { runCli } from '../../../main/cli/index';

const VTT = `WEBVTT

00:00:01.000 --> 00:00:03.500
<v Dana>The budget review moves to Thursday.

00:00:04.000 --> 00:00:06.000
<v Eli>Thursday works for the budget team.
`;

describe('verbatim CLI', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const run = (...argv: string[]) =>
    runCli(['--data-dir', join(dir, 'data'), ...argv], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      isTty: false,
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-cli-'));
    out = [];
    err = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports, searches and exports through the archive', async () => {
    const file = join(dir, 'budget.vtt');
    await writeFile(file, VTT);
    expect(await run('import', file)).toBe(EXIT.OK);
    expect(out.join('\n')).toMatch(/imported as meeting 1 "budget" \(2 segments\)/);

    out = [];
    expect(await run('search', 'budget', 'speaker:eli')).toBe(EXIT.OK);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^#1 budget 00:00:04 Eli: .*\[budget\]/);

    const folder = join(dir, 'exports');
    await (await import('node:fs/promises')).mkdir(folder);
    out = [];
    expect(await run('export', '1', '--format', 'md', '--out', folder)).toBe(EXIT.OK);
    const [written] = await readdir(folder);
    expect(written).toMatch(/budget\.md$/);
    const markdown = await readFile(join(folder, written!), 'utf8');
    expect(markdown).toContain('Dana');
    expect(markdown).toContain('Thursday');
  });

  it('exits 1 and names the line when a file is malformed, importing nothing from it', async () => {
    const bad = join(dir, 'bad.srt');
    await writeFile(bad, '1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\nnot a time\nworld\n');
    expect(await run('import', bad)).toBe(EXIT.FAILED);
    expect(err.join('\n')).toMatch(/bad\.srt:6: /);
    out = [];
    expect(await run('meetings')).toBe(EXIT.OK);
    expect(out).toEqual([]);
  });

  it('reports a missing file without stopping the others', async () => {
    const good = join(dir, 'good.vtt');
    await writeFile(good, VTT);
    expect(await run('import', join(dir, 'missing.vtt'), good)).toBe(EXIT.FAILED);
    expect(err.join('\n')).toMatch(/missing\.vtt: cannot read/);
    expect(out.join('\n')).toMatch(/good\.vtt: imported/);
  });

  it('uses distinct exit codes for usage errors and unknown meetings', async () => {
    expect(await run()).toBe(EXIT.USAGE);
    expect(await run('transmogrify')).toBe(EXIT.USAGE);
    expect(await run('search', '--limit', 'lots', 'x')).toBe(EXIT.USAGE);
    expect(await run('export', '42', '--format', 'md')).toBe(EXIT.NOT_FOUND);
    expect(await run('export', '1', '--format', 'docx')).toBe(EXIT.USAGE);
    expect(await run('--help')).toBe(EXIT.OK);
  });

  it('keeps working on a query FTS5 would reject', async () => {
    expect(await run('search', '"unbalanced', 'NEAR(')).toBe(EXIT.OK);
  });

  it('lists the model catalogue without touching the network', async () => {
    expect(await run('models', 'list')).toBe(EXIT.OK);
    const table = out.join('\n');
    expect(table).toMatch(/silero/i);
    expect(await run('models', 'fetch')).toBe(EXIT.USAGE);
    expect(await run('models', 'fetch', 'no-such-model')).toBe(EXIT.NOT_FOUND);
  });

  it('runs as a real process through the bin launcher with its exit code', () => {
    const launcher = join(__dirname, '..', '..', '..', 'main', 'cli', 'verbatim.cjs');
    const result = spawnSync(process.execPath, [launcher, '--data-dir', join(dir, 'd2'), 'nonsense'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(EXIT.USAGE);
    expect(result.stderr).toContain("unknown command 'nonsense'");
  });
});

describe('verbatim backup / restore', () => {
  it('backs up the archive and restores it, keeping the replaced one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verbatim-backup-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false };
    const data = ['--data-dir', join(dir, 'data')];
    try {
      await writeFile(join(dir, 'one.vtt'), VTT);
      expect(await runCli([...data, 'import', join(dir, 'one.vtt')], io)).toBe(EXIT.OK);
      const backup = join(dir, 'backup.sqlite');
      expect(await runCli([...data, 'backup', backup], io)).toBe(EXIT.OK);
      expect(await runCli([...data, 'backup', backup], io)).toBe(EXIT.FAILED); // never overwrites silently

      await writeFile(join(dir, 'two.vtt'), VTT.replace(/budget/g, 'hiring'));
      expect(await runCli([...data, 'import', join(dir, 'two.vtt')], io)).toBe(EXIT.OK);
      out.length = 0;
      expect(await runCli([...data, 'restore', backup], io)).toBe(EXIT.OK);
      expect(out.join('\n')).toMatch(/restored 1 meetings/);
      expect(out.join('\n')).toMatch(/previous archive was kept/);

      out.length = 0;
      expect(await runCli([...data, 'search', 'hiring'], io)).toBe(EXIT.OK);
      expect(out).toEqual([]);
      expect(await runCli([...data, 'restore', join(dir, 'one.vtt')], io)).toBe(EXIT.FAILED);
      expect(err.at(-1)).toMatch(/not a Verbatim archive|not a database|file is not/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
