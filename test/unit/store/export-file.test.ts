import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_FILE_NAME_BYTES,
  sanitizeFileName,
  suggestFileName,
  writeExportFile,
} from '../../../main/store/export/file';
import { tempDir } from './helpers';

describe('sanitizeFileName', () => {
  it.each([
    ['Weekly sync.md', 'Weekly sync.md'],
    ['../../etc/passwd', 'etc-passwd'],
    ['..\\..\\Windows\\win.ini', 'Windows-win.ini'],
    ['/absolute/path.md', 'absolute-path.md'],
    ['a:b*c?d"e<f>g|h.md', 'a-b-c-d-e-f-g-h.md'],
    ['tab\tnew\nline\u0000nul.md', 'tabnewlinenul.md'],
    ['evil\u202Etxt.exe', 'eviltxt.exe'],
    ['.hidden', 'hidden'],
    ['..', 'untitled'],
    ['name. . .', 'name'],
    ['CON', '_CON'],
    ['con.md', '_con.md'],
    ['LPT1.txt', '_LPT1.txt'],
    ['console.md', 'console.md'],
    ['   ', 'untitled'],
    ['Ünïcödé 中文 😀.md', 'Ünïcödé 中文 😀.md'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeFileName(input)).toBe(expected);
  });

  it('limits the name to MAX_FILE_NAME_BYTES of UTF-8, keeping the extension and whole characters', () => {
    const name = sanitizeFileName(`${'會議'.repeat(200)}.md`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_FILE_NAME_BYTES);
    expect(name.endsWith('.md')).toBe(true);
    expect(name).not.toContain('\ufffd');
    const emoji = sanitizeFileName('😀'.repeat(100));
    expect([...emoji].every((c) => c === '😀')).toBe(true);
  });

  it('suggests "<date> <title>.<ext>"', () => {
    expect(suggestFileName({ title: 'Q2 / budget', startedAt: Date.UTC(2024, 2, 1, 9) }, 'md', 'UTC')).toBe(
      '2024-03-01 Q2 - budget.md',
    );
    expect(suggestFileName({ title: '', startedAt: Date.UTC(2024, 2, 1, 9) }, '.srt', 'UTC')).toBe(
      '2024-03-01 Meeting.srt',
    );
  });
});

describe('writeExportFile', () => {
  let dir: string;
  let out: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    out = join(dir, 'exports');
    mkdirSync(out);
  });
  afterEach(() => cleanup());

  it('writes inside the folder even when the name tries to leave it', async () => {
    for (const name of ['../escape.md', '/tmp/escape.md', '..', 'sub/../../escape.md']) {
      const path = await writeExportFile(out, name, 'x', { ifExists: 'rename' });
      expect(path.startsWith(out + '/')).toBe(true);
      expect(path.slice(out.length + 1)).not.toContain('/');
    }
    expect(existsSync(join(dir, 'escape.md'))).toBe(false);
  });

  it('does not overwrite without being asked; overwrites or picks a new name when asked', async () => {
    const first = await writeExportFile(out, 'notes.md', 'one');
    await expect(writeExportFile(out, 'notes.md', 'two')).rejects.toMatchObject({ code: 'EXISTS' });
    expect(readFileSync(first, 'utf8')).toBe('one');
    expect(await writeExportFile(out, 'notes.md', 'three', { ifExists: 'rename' })).toBe(
      join(out, 'notes (2).md'),
    );
    expect(await writeExportFile(out, 'notes.md', 'four', { ifExists: 'overwrite' })).toBe(first);
    expect(readFileSync(first, 'utf8')).toBe('four');
    expect(readdirSync(out).sort()).toEqual(['notes (2).md', 'notes.md']); // no temp files left
  });

  it('never writes through a symlink planted at the target name', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(out, 'notes.md'));
    await expect(writeExportFile(out, 'notes.md', 'attack')).rejects.toMatchObject({ code: 'EXISTS' });
    await writeExportFile(out, 'notes.md', 'replaced', { ifExists: 'overwrite' });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(readFileSync(join(out, 'notes.md'), 'utf8')).toBe('replaced');
  });

  it('refuses a folder that does not exist', async () => {
    await expect(writeExportFile(join(dir, 'nope'), 'a.md', 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
