/**
 * Archive bench (issue 3): builds a synthetic archive through the real write path, then measures
 * search latency per query kind. Full scale is 1,000 meetings x ~10,000 words (10M words);
 * BENCH_SCALE=0.1 builds a tenth. BENCH_TRIGRAM=0 skips the trigram-index size experiment,
 * BENCH_KEEP=1 keeps the database (path printed in the notes); BENCH_REUSE=<that path> measures
 * search again on it without rebuilding (ingest figures are then absent).
 *
 *   npx tsx test/bench/run.ts search
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openStore, type Store } from '../../main/store';
import type { BenchBudget, BenchReport } from './run';

const FULL_MEETINGS = 1000;
const WORDS_PER_MEETING = 10_000;

/** Deterministic PRNG (mulberry32) so every run builds the same archive. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMON = `the and to of a i you that it in is we so this for be on have with it's not but what
are was just like can do they know think at if about all there as going or one yeah so okay from get
will would right me my your an our out up how then when no more some by time well really which them
people need also because been very us he she were yes here want their see make go good now other
could who did should something these into those where over new said first last let's way maybe
much any only still even work back two three thing things sure actually kind lot point mean look`.split(
  /\s+/,
);

const DOMAIN = `meeting budget quarter roadmap release customer deadline design review product team
project feature sprint launch pricing contract invoice hiring onboarding migration database server
deploy backend frontend latency metrics dashboard report revenue forecast marketing campaign sales
pipeline partner legal compliance security audit incident outage postmortem retro planning estimate
priority backlog ticket bug regression test coverage benchmark performance architecture proposal
décision résumé café naïve coördinate jalapeño façade protégé übersicht señor crème brûlée schedule
agenda action item follow owner update status blocker risk dependency milestone delivery scope
vendor procurement approval signoff headcount offsite workshop training documentation analytics
experiment hypothesis retention churn conversion funnel segment cohort pricing discount renewal
support escalation feedback survey interview research prototype wireframe mockup accessibility`.split(/\s+/);

const SYLLABLES = [
  'ka',
  'to',
  'ri',
  'men',
  'sa',
  'lo',
  'be',
  'ni',
  'ver',
  'un',
  'ta',
  'po',
  'de',
  'ex',
  'ion',
  'al',
  'co',
  'mi',
  'ra',
  'te',
  'gu',
  'ble',
  'st',
  'or',
  'an',
  'qui',
  'fe',
  'zo',
  'ly',
  'ment',
];

const NAMES = [
  'Ana María',
  'José',
  'Zoë',
  'Björn',
  'Priya',
  'Wei',
  'Olusegun',
  'Chloé',
  'Mateus',
  'Aiko',
  'Søren',
  'Fatima',
  'Liam',
  'Noor',
  'Dmitri',
  'Grace',
  'Hiroshi',
  'Isabel',
  'Kwame',
  'Léa',
];
const EMOTIONS = [
  'neutral',
  'neutral',
  'neutral',
  'neutral',
  'neutral',
  'neutral',
  'happy',
  'happy',
  'angry',
  'sad',
  'surprised',
];

interface Vocabulary {
  words: string[];
  cumulative: Float64Array;
}

function vocabulary(random: () => number, size = 40_000): Vocabulary {
  const words: string[] = [...COMMON];
  const seen = new Set(words);
  for (const w of DOMAIN) {
    if (!seen.has(w)) words.push(w);
    seen.add(w);
  }
  while (words.length < size) {
    let w = '';
    const n = 2 + Math.floor(random() * 3);
    for (let k = 0; k < n; k += 1) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(w)) words.push(w);
    seen.add(w);
  }
  // Zipf with s = 1: the rank-r word has probability proportional to 1/r, like natural text.
  const cumulative = new Float64Array(words.length);
  let sum = 0;
  for (let r = 0; r < words.length; r += 1) cumulative[r] = sum += 1 / (r + 1);
  return { words, cumulative };
}

function sampler(vocab: Vocabulary, random: () => number): () => string {
  const total = vocab.cumulative[vocab.cumulative.length - 1] ?? 1;
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = vocab.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((vocab.cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab.words[lo] ?? 'the';
  };
}

interface Ingest {
  words: number;
  segments: number;
  liveWords: number;
  liveMs: number;
  batchWords: number;
  batchMs: number;
}

/**
 * Meetings go in through the same insertFinalSegment the recorder uses. The first few are written
 * one transaction per segment (the live path); the rest one transaction per meeting (an import).
 */
function ingest(store: Store, meetings: number, vocab: Vocabulary, random: () => number): Ingest {
  const word = sampler(vocab, random);
  const result: Ingest = {
    words: 0,
    segments: 0,
    liveWords: 0,
    liveMs: 0,
    batchWords: 0,
    batchMs: 0,
  };
  const liveMeetings = Math.max(1, Math.round(meetings * 0.05));
  const firstDay = Date.UTC(2022, 0, 3, 9, 0);
  for (let m = 0; m < meetings; m += 1) {
    const live = m < liveMeetings;
    const started = performance.now();
    let wordsHere = 0;
    const write = (): void => {
      const meeting = store.meetings.create({
        title: `${DOMAIN[m % DOMAIN.length]} ${COMMON[(m * 7) % COMMON.length]} sync ${m + 1}`,
        startedAt: firstDay + m * 26 * 3_600_000,
        status: 'done',
      });
      const count = 2 + Math.floor(random() * 5);
      const speakers = [store.speakers.add(meeting.id, { label: 'you', displayName: 'You', channel: 'mic' })];
      for (let s = 1; s < count; s += 1) {
        speakers.push(
          store.speakers.add(meeting.id, {
            label: `S${s}`,
            displayName: NAMES[(m * 3 + s) % NAMES.length] ?? null,
            channel: 'system',
          }),
        );
      }
      let t = 0;
      while (wordsHere < WORDS_PER_MEETING) {
        const n = 5 + Math.floor(random() * 36);
        const speaker = speakers[Math.floor(random() * speakers.length)] ?? speakers[0];
        const words = [];
        for (let i = 0; i < n; i += 1) {
          const conf = random() < 0.05 ? 0.4 + random() * 0.5 : 0.9 + random() * 0.1;
          words.push({ text: word(), startMs: t, endMs: t + 280, confidence: conf });
          t += 330;
        }
        store.segments.insertFinal({
          meetingId: meeting.id,
          speakerId: speaker?.id ?? null,
          channel: speaker?.channel ?? 'system',
          startMs: words[0]?.startMs ?? t,
          endMs: t,
          emotion: EMOTIONS[Math.floor(random() * EMOTIONS.length)] ?? null,
          emotionScore: 0.5 + random() * 0.5,
          words,
        });
        t += 400;
        wordsHere += n;
        result.segments += 1;
      }
      store.meetings.updateState(meeting.id, { durationMs: t, endedAt: firstDay + m * 26 * 3_600_000 + t });
      if (m % 10 === 0)
        store.notes.add(meeting.id, {
          atMs: 60_000,
          kind: 'note',
          text: `decide the ${DOMAIN[(m * 5) % DOMAIN.length]} owner`,
        });
    };
    if (live) write();
    else store.db.transaction(write)();
    const ms = performance.now() - started;
    result.words += wordsHere;
    if (live) {
      result.liveWords += wordsHere;
      result.liveMs += ms;
    } else {
      result.batchWords += wordsHere;
      result.batchMs += ms;
    }
  }
  return result;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function fileBytes(path: string): number {
  return ['', '-wal', '-shm'].reduce((n, s) => n + (existsSync(path + s) ? statSync(path + s).size : 0), 0);
}

export async function run(): Promise<BenchReport> {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  const meetings = Math.max(1, Math.round(FULL_MEETINGS * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
  const reuse = process.env.BENCH_REUSE;
  const dir = reuse ? dirname(reuse) : mkdtempSync(join(tmpdir(), 'verbatim-bench-search-'));
  const file = reuse ?? join(dir, 'archive.db');
  const figures: BenchReport['figures'] = {};
  const notes: string[] = [];
  const budgets: BenchBudget[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  const random = rng(20240301);
  const vocab = vocabulary(random);
  let store = openStore(file, { integrityCheck: 'never' });
  try {
    if (!reuse) {
      const t0 = performance.now();
      const data = ingest(store, meetings, vocab, random);
      const ingestSeconds = (performance.now() - t0) / 1000;
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      figures['archive.meetings'] = meetings;
      figures['ingest.seconds'] = ingestSeconds;
      figures['ingest.wordsPerSec.batched (tx per meeting)'] = data.batchWords / (data.batchMs / 1000);
      figures['ingest.wordsPerSec.live (tx per segment)'] = data.liveWords / (data.liveMs / 1000);
      budgets.push({
        name: 'ingest words/s (one transaction per meeting)',
        value: figures['ingest.wordsPerSec.batched (tx per meeting)'],
        limit: 50_000,
        kind: 'min',
        unit: 'words/s',
      });
    }
    const totals = store.db
      .prepare<[], { words: number; segments: number }>(
        'SELECT (SELECT count(*) FROM words) AS words, (SELECT count(*) FROM segments) AS segments',
      )
      .get() ?? { words: 0, segments: 0 };
    figures['archive.words'] = totals.words;
    figures['archive.segments'] = totals.segments;
    const bytes = fileBytes(file);
    figures['db.bytes'] = bytes;
    figures['db.MB'] = bytes / 1e6;
    figures['db.bytesPerWord'] = bytes / totals.words;
    const ftsPages = store.db
      .prepare<[], { n: number }>("SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE 'segments_fts%'")
      .get();
    if (ftsPages?.n) figures['db.ftsIndex.MB'] = ftsPages.n / 1e6;
    const wordPages = store.db
      .prepare<[], { n: number }>(
        "SELECT sum(pgsize) AS n FROM dbstat WHERE name IN ('words', 'sqlite_autoindex_words_1')",
      )
      .get();
    if (wordPages?.n) figures['db.wordsTable.MB'] = wordPages.n / 1e6;

    // Phrases people might look for again: 2-3 consecutive words of stored segments.
    const phraseRandom = rng(11);
    const phrases: string[] = [];
    for (let i = 0; i < 400; i += 1) {
      const id = 1 + Math.floor(phraseRandom() * totals.segments);
      const text = store.db
        .prepare<[number], { text: string }>('SELECT text FROM segments WHERE id = ?')
        .get(id)?.text;
      const parts = text?.split(' ') ?? [];
      const at = Math.floor(phraseRandom() * Math.max(1, parts.length - 3));
      if (parts.length >= 3) phrases.push(parts.slice(at, at + 2 + Math.floor(phraseRandom() * 2)).join(' '));
    }

    // Re-open: queries run against a fresh connection (page cache cold), as after an app start.
    store.close();
    const reopen = performance.now();
    store = openStore(file, { integrityCheck: 'always' });
    figures['open.withQuickCheck.ms'] = performance.now() - reopen;

    const q = rng(7);
    const pickRank = (lo: number, hi: number): string => {
      const r = Math.floor(Math.exp(Math.log(lo) + q() * (Math.log(hi) - Math.log(lo))));
      return vocab.words[Math.min(r, vocab.words.length - 1)] ?? 'meeting';
    };
    // What people search for: content words, from fairly common (rank 50) to rare (rank 20,000).
    const content = (): string => pickRank(50, 20_000);
    const filters = [
      () => `speaker:${(NAMES[Math.floor(q() * NAMES.length)] ?? 'ana').split(' ')[0]}`,
      () => 'emotion:angry',
      () => 'after:2023-01-01',
      () => 'lowconf',
    ];
    const kinds: Record<string, () => string> = {
      'one-word': () => content(),
      'two-word': () => `${content()} ${content()}`,
      phrase: () => `"${phrases[Math.floor(q() * phrases.length)] ?? 'the budget'}"`,
      prefix: () => {
        const w = pickRank(20, 5000);
        return `${w.slice(0, Math.min(w.length, 3 + Math.floor(q() * 3)))}*`;
      },
      filtered: () => `${content()} ${filters[Math.floor(q() * filters.length)]?.()}`,
      // Not budgeted: worst cases, reported so their cost is known.
      'stopword (top 10)': () => pickRank(1, 10),
      'filters only': () => `${filters[0]?.()} lowconf`,
    };
    const perKind = Number(process.env.BENCH_QUERIES ?? '200');
    for (let i = 0; i < 20; i += 1) store.search({ query: content() }); // warm-up
    for (const [kind, make] of Object.entries(kinds)) {
      const times: number[] = [];
      let empty = 0;
      let recent = 0;
      for (let i = 0; i < perKind; i += 1) {
        const query = make();
        const started = performance.now();
        const result = store.search({ query, limit: 20 });
        times.push(performance.now() - started);
        if (!result.ok) throw new Error(`bench query failed: ${query}: ${result.message}`);
        if (result.hits.length === 0) empty += 1;
        if (result.order === 'recent') recent += 1;
      }
      times.sort((a, b) => a - b);
      figures[`search.${kind}.p50.ms`] = percentile(times, 50);
      figures[`search.${kind}.p95.ms`] = percentile(times, 95);
      figures[`search.${kind}.p99.ms`] = percentile(times, 99);
      figures[`search.${kind}.emptyResults`] = empty;
      if (recent) figures[`search.${kind}.orderedByRecency`] = recent;
      if (!kind.includes('(') && kind !== 'filters only') {
        budgets.push({
          name: `search ${kind} p95`,
          value: percentile(times, 95),
          limit: 30,
          kind: 'max',
          unit: 'ms',
        });
      }
    }
    if (process.env.BENCH_TRIGRAM !== '0') trigramExperiment(store, figures);
    if (totals.words < 9_000_000) notes.push(`${totals.words} words; the budgets are defined at 10M words.`);
    notes.push(
      `load average (1 min) ${loadAtStart.toFixed(1)} at start, ${(loadavg()[0] ?? 0).toFixed(1)} at end, on ${cpus().length} cores: the machine is shared, compare runs with care.`,
    );
    notes.push(
      `${perKind} queries per kind, limit 20, through Store.search (parse + compile + SQL + snippets + notes).`,
    );
  } finally {
    store.close();
    if (process.env.BENCH_KEEP === '1' || reuse) notes.push(`database kept at ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  return { figures, budgets, notes };
}

/**
 * The evidence for migration 002's decision: what a trigram index (substring search) would add
 * in size and build time, and how fast a substring query is with it.
 */
function trigramExperiment(store: Store, figures: BenchReport['figures']): void {
  const db = store.db;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = (): number => db.pragma('page_count', { simple: true }) as number;
  const before = pages();
  const started = performance.now();
  db.exec(`CREATE VIRTUAL TABLE trigram_probe USING fts5(text, content='segments', content_rowid='id', tokenize='trigram remove_diacritics 1');
           INSERT INTO trigram_probe (trigram_probe) VALUES ('rebuild');`);
  figures['trigram.buildSeconds'] = (performance.now() - started) / 1000;
  figures['trigram.addedMB'] = ((pages() - before) * pageSize) / 1e6;
  const ftsBytes =
    db.prepare<[], { n: number }>("SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE 'segments_fts%'").get()
      ?.n ?? 0;
  const triBytes =
    db
      .prepare<[], { n: number }>("SELECT sum(pgsize) AS n FROM dbstat WHERE name LIKE 'trigram_probe%'")
      .get()?.n ?? 0;
  figures['trigram.sizeVsWordIndex'] = ftsBytes ? triBytes / ftsBytes : NaN;
  const times: number[] = [];
  for (const sub of ['udge', 'ement', 'ashboar', 'igrat', 'kamen']) {
    const t = performance.now();
    db.prepare(
      'SELECT rowid FROM trigram_probe WHERE trigram_probe MATCH ? ORDER BY rowid DESC LIMIT 20',
    ).all(`"${sub}"`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  figures['trigram.substringQuery.median.ms'] = percentile(times, 50);
  db.exec('DROP TABLE trigram_probe');
}
