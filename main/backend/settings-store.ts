import { mkdir, readFile, rename, writeFile, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ApiException, DEFAULT_SETTINGS, SettingsSchema, type Settings, type SettingsPatch } from '../api';

export interface SettingsStore {
  get(): Settings;
  /** Validated merge + durable write; resolves with the settings as stored. */
  update(patch: SettingsPatch): Promise<Settings>;
  /** Problems found while loading (unreadable or invalid file); empty when all is well. */
  readonly problems: readonly string[];
}

/**
 * Settings live in one JSON file in the data folder. Writes go to a temp file that is fsynced
 * and renamed over the old one, so a crash or a full disk leaves either the old or the new file,
 * never a torn one. A corrupt file is kept aside (settings.json.corrupt-<time>) and defaults are
 * used, so the user loses nothing silently and the app still starts.
 */
export async function openSettingsStore(dataDir: string): Promise<SettingsStore> {
  const file = join(dataDir, 'settings.json');
  const problems: string[] = [];
  let current: Settings = DEFAULT_SETTINGS;
  let writeChain: Promise<unknown> = Promise.resolve();

  try {
    const text = await readFile(file, 'utf8');
    const parsed = SettingsSchema.safeParse(safeJson(text));
    if (parsed.success) {
      current = parsed.data;
    } else {
      const aside = `${file}.corrupt-${Date.now()}`;
      await rename(file, aside);
      problems.push(`settings.json was invalid and was moved to ${aside}; defaults are in use.`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push(`settings.json could not be read (${(error as Error).message}); defaults are in use.`);
    }
  }

  async function persist(next: Settings): Promise<void> {
    const tmp = `${file}.${process.pid}.tmp`;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(tmp, JSON.stringify(next, null, 2) + '\n', 'utf8');
    const handle = await open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  }

  return {
    get: () => current,
    problems,
    update(patch) {
      // Serialise writes so two quick updates cannot interleave and lose one.
      const result = writeChain.then(async () => {
        const next = SettingsSchema.parse({ ...current, ...patch });
        try {
          await persist(next);
        } catch (error) {
          throw new ApiException('IO_ERROR', `Could not save settings: ${(error as Error).message}`);
        }
        current = next;
        return next;
      });
      writeChain = result.catch(() => undefined);
      return result;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
