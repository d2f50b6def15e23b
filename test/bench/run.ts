/**
 * `npm run bench [-- <suite> ...]`: runs benchmark suites and writes their figures to
 * bench-results/<suite>-<timestamp>.json (and bench-results/<suite>-latest.json).
 * Benchmarks are not tests: they measure (ratios to real time, percentiles, memory) and report
 * budgets as pass/fail lines, but never fail the test command. A suite is a module
 * test/bench/<suite>.bench.ts exporting `run(): Promise<BenchReport>`; GROUPS name sets of suites.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';

export interface BenchBudget {
  name: string;
  value: number;
  limit: number;
  /** 'max': value must be <= limit; 'min': value must be >= limit. */
  kind: 'max' | 'min';
  unit: string;
}

export interface BenchReport {
  /** Named figures, e.g. { 'fbank.xRealtime': 812.4 }. */
  figures: Record<string, number | string>;
  budgets?: BenchBudget[];
  notes?: string[];
}

const benchDir = resolve(__dirname);

/** Names that run several suites, e.g. the issue's `npm run bench -- dsp`. */
const GROUPS: Record<string, string[]> = {
  dsp: ['features', 'vad', 'aec'],
  ui: ['renderer'],
};

async function main(): Promise<void> {
  const available = (await readdir(benchDir))
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.replace(/\.bench\.ts$/, ''));
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const suites = asked.length ? [...new Set(asked.flatMap((name) => GROUPS[name] ?? [name]))] : available;
  const unknown = suites.filter((s) => !available.includes(s));
  if (unknown.length) {
    console.error(
      `Unknown bench suite(s): ${unknown.join(', ')}. Available: ${available.join(', ') || '(none)'}`,
    );
    process.exit(2);
  }
  const outDir = resolve(benchDir, '..', '..', 'bench-results');
  await mkdir(outDir, { recursive: true });
  for (const suite of suites) {
    console.log(`\n== bench: ${suite} ==`);
    const mod = (await import(pathToFileURL(join(benchDir, `${suite}.bench.ts`)).href)) as {
      run: () => Promise<BenchReport>;
    };
    const started = new Date();
    const report = await mod.run();
    for (const [key, value] of Object.entries(report.figures))
      console.log(`${key.padEnd(48)} ${format(value)}`);
    for (const b of report.budgets ?? []) {
      const pass = b.kind === 'max' ? b.value <= b.limit : b.value >= b.limit;
      console.log(
        `budget ${pass ? 'PASS' : 'FAIL'}: ${b.name} = ${format(b.value)} ${b.unit} (${b.kind === 'max' ? '<=' : '>='} ${b.limit})`,
      );
    }
    for (const note of report.notes ?? []) console.log(`note: ${note}`);
    const record = {
      suite,
      startedAt: started.toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        totalMemBytes: os.totalmem(),
        node: process.version,
      },
      ...report,
    };
    const stamp = started.toISOString().replace(/[:.]/g, '-');
    await writeFile(join(outDir, `${suite}-${stamp}.json`), JSON.stringify(record, null, 2));
    await writeFile(join(outDir, `${suite}-latest.json`), JSON.stringify(record, null, 2));
    console.log(`figures written to bench-results/${suite}-latest.json`);
  }
}

function format(value: number | string): string {
  if (typeof value === 'string') return value;
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
