/** Exit codes scripts can rely on (documented in `verbatim --help`). */
export const EXIT = {
  OK: 0,
  /** The command ran but something failed (a file did not import, a download failed, ...). */
  FAILED: 1,
  /** Wrong usage: unknown command or option, missing argument. */
  USAGE: 2,
  /** What was asked for does not exist (meeting id, model id). */
  NOT_FOUND: 3,
  /** Interrupted by the user (Ctrl-C). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage or input problem: printed without a stack trace, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.USAGE,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
