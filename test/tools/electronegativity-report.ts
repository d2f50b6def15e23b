/**
 * What an Electronegativity run means for the build: pure functions over its findings, so the
 * pass/fail rule is unit-tested (test/unit/architecture/electronegativity-report.test.ts) apart from
 * the scanner itself (test/tools/electronegativity.ts).
 *
 * How Electronegativity reports (read from its source, v1.10.x): every issue carries
 * `severity: { value, name }` with HIGH = 3, MEDIUM = 2, LOW = 1, INFORMATIONAL = 0, a
 * `confidence` (CERTAIN, FIRM, TENTATIVE), `manualReview`, the check's `id` (e.g.
 * CONTEXT_ISOLATION_JS_CHECK) and, for atomic checks only, `constructorName` (the class,
 * e.g. ContextIsolationJSCheck). Global checks report file "N/A" at line 0. Files it could not
 * parse come back separately as `errors` ({ file, message, tolerable }).
 */
import ts from 'typescript';
import { z } from 'zod';

export const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Checks left out of the audit, by class name, with the reason. */
export const EXCLUDED_CHECKS: Readonly<Record<string, string>> = {
  // Downloads Electron's release list from GitHub to compare versions: the audit runs offline,
  // and the Electron version is pinned by package.json and reviewed on upgrade anyway.
  AvailableSecurityFixesGlobalCheck: 'needs the network (fetches the Electron release list)',
};

export interface Finding {
  /** Electronegativity's id, e.g. CONTEXT_ISOLATION_JS_CHECK. */
  id: string;
  /** Check class name when known (atomic checks), e.g. ContextIsolationJSCheck. */
  check: string | null;
  severity: Severity;
  confidence: string;
  /** Path relative to the scanned root, or "N/A" for a whole-app (global) finding. */
  file: string;
  line: number;
  column: number;
  sample: string | null;
  description: string;
  manualReview: boolean;
}

export interface ScanError {
  file: string;
  message: string;
  /** Electronegativity's own flag: a tolerable error still produced an AST, a non-tolerable one did not. */
  tolerable: boolean;
}

const rawIssueSchema = z.object({
  id: z.string(),
  constructorName: z.string().optional(),
  severity: z.object({ name: z.enum(SEVERITIES) }),
  confidence: z.object({ name: z.string() }),
  file: z.string(),
  location: z.object({ line: z.number(), column: z.number() }).optional(),
  sample: z.string().nullish(),
  description: z.string().nullish(),
  manualReview: z.unknown().optional(),
});

const rawErrorSchema = z.object({
  file: z.string(),
  message: z.string(),
  tolerable: z.boolean().optional(),
});

/** Turns one of Electronegativity's issue objects into a plain, serialisable finding. Throws on an unknown shape. */
export function toFinding(raw: unknown): Finding {
  const issue = rawIssueSchema.parse(raw);
  return {
    id: issue.id,
    check: issue.constructorName ?? null,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    file: issue.file,
    line: issue.location?.line ?? 0,
    column: issue.location?.column ?? 0,
    sample: issue.sample ?? null,
    description: issue.description ?? '',
    // Some checks set this to a computed value; anything truthy means "a human must look".
    manualReview: Boolean(issue.manualReview),
  };
}

export function toScanError(raw: unknown): ScanError {
  const error = rawErrorSchema.parse(raw);
  return { file: error.file, message: error.message, tolerable: error.tolerable ?? false };
}

/** Check ids and class names differ in spelling (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK vs AvailableSecurityFixesGlobalCheck). */
const normalise = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export function isExcluded(finding: Finding, excluded: Iterable<string>): boolean {
  const names = new Set([...excluded].map(normalise));
  return names.has(normalise(finding.id)) || (finding.check !== null && names.has(normalise(finding.check)));
}

export interface Verdict {
  pass: boolean;
  /** Findings at or above the failing severity, excluded checks removed. */
  blocking: Finding[];
  /** Findings below the failing severity: printed and kept in the report, not failing. */
  advisory: Finding[];
  /** Findings of excluded checks (should be none: they are not run; kept in case one slips through). */
  ignored: Finding[];
  /** Files the scanner could not parse at all: their checks did not run, so the audit cannot pass. */
  unparsed: ScanError[];
}

export interface JudgeOptions {
  excluded?: Iterable<string>;
  failAt?: Severity;
}

/** The audit fails on any finding of severity `failAt` (HIGH) or above, or on a file that could not be scanned. */
export function judge(
  findings: readonly Finding[],
  errors: readonly ScanError[] = [],
  options: JudgeOptions = {},
): Verdict {
  const excluded = [...(options.excluded ?? Object.keys(EXCLUDED_CHECKS))];
  const threshold = SEVERITIES.indexOf(options.failAt ?? 'HIGH');
  const blocking: Finding[] = [];
  const advisory: Finding[] = [];
  const ignored: Finding[] = [];
  for (const finding of findings) {
    if (isExcluded(finding, excluded)) ignored.push(finding);
    else if (SEVERITIES.indexOf(finding.severity) >= threshold) blocking.push(finding);
    else advisory.push(finding);
  }
  const unparsed = errors.filter((error) => !error.tolerable);
  return { pass: blocking.length === 0 && unparsed.length === 0, blocking, advisory, ignored, unparsed };
}

export function formatFinding(finding: Finding): string {
  const where = finding.file === 'N/A' ? '(whole app)' : `${finding.file}:${finding.line}:${finding.column}`;
  const review = finding.manualReview ? ' [review]' : '';
  const sample = finding.sample ? `\n      > ${finding.sample.slice(0, 160)}` : '';
  return `${finding.severity.padEnd(13)} ${finding.id} ${where}${review}\n      ${finding.description}${sample}`;
}

export interface UnscannedWindow {
  file: string;
  line: number;
  code: string;
}

const WINDOW_CLASSES = new Set(['BrowserWindow', 'BrowserView']);

/**
 * Window constructions the BrowserWindow checks cannot see. Those checks (contextIsolation, sandbox,
 * nodeIntegration, webSecurity, ...) only match `new BrowserWindow(...)` / `new BrowserView(...)`
 * whose callee is that bare identifier; `new electron.BrowserWindow(...)` or an injected
 * `new options.BrowserWindow(...)` is skipped silently, so its webPreferences are never audited.
 * (With the bare identifier and options it cannot read, the scanner reports HIGH, which is safe.)
 */
export function findUnscannedWindows(file: string, source: string): UnscannedWindow[] {
  const sourceFile = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: UnscannedWindow[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isNewExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      WINDOW_CLASSES.has(node.expression.name.text)
    ) {
      const { line } = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
      found.push({ file, line: line + 1, code: node.getText(sourceFile).split('\n')[0]!.slice(0, 120) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}
