import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The data folder the desktop app uses, computed without Electron so the CLI and the app share
 * one archive. It mirrors Electron's app.getPath('userData') for productName "Verbatim" plus
 * '/data' (main/app/lifecycle.ts): ~/.config/Verbatim on Linux (XDG_CONFIG_HOME honoured),
 * ~/Library/Application Support/Verbatim on macOS, %APPDATA%\Verbatim on Windows.
 * VERBATIM_DATA_DIR overrides it everywhere.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.VERBATIM_DATA_DIR) return env.VERBATIM_DATA_DIR;
  const home = env.HOME ?? homedir();
  const appData =
    platform === 'darwin'
      ? join(home, 'Library', 'Application Support')
      : platform === 'win32'
        ? (env.APPDATA ?? join(home, 'AppData', 'Roaming'))
        : (env.XDG_CONFIG_HOME ?? join(home, '.config'));
  return join(appData, 'Verbatim', 'data');
}

/** User-installed models live inside the data folder, one folder per model id (main/models/resolve.ts). */
export function modelsDirFor(dataDir: string): string {
  return join(dataDir, 'models');
}
