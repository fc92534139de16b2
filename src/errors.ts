// Errors that carry confctl's documented exit codes (DESIGN.md): domain modules and commands
// throw them, and the command base class (src/cli/base-command.ts) alone turns them into one
// sentence on stderr and the exit code. Nothing else calls exit: one place decides the code.

/**
 * Above 3, sysexits(3)'s codes: 69 EX_UNAVAILABLE (something this machine needs is missing or
 * failing), 70 EX_SOFTWARE (anything not thrown as a ConfctlError is a bug of ours, not a
 * failed check), 75 EX_TEMPFAIL (busy: try again).
 */
export const EXIT = {
  ok: 0,
  checkFailed: 1,
  badInput: 2,
  unreachable: 3,
  unavailable: 69,
  internal: 70,
  busy: 75,
} as const

export interface OutcomeOptions {
  /** The command already printed its report (and any stderr line): the base prints nothing more. */
  reported?: boolean
}

export class ConfctlError extends Error {
  readonly reported: boolean
  /** What the command found before it failed (a report with failing checks): `--json` prints it. */
  result?: unknown
  constructor(
    message: string,
    readonly exitCode: number,
    options: OutcomeOptions = {},
  ) {
    super(message)
    this.name = new.target.name
    this.reported = options.reported ?? false
  }

  /** This error, carrying the command's result, so `--json` prints the report and the exit code still says it failed. */
  withResult(result: unknown): this {
    this.result = result
    return this
  }
}

/** Bad usage or bad input: a flag, a file, an argument. Exit 2. */
export class BadInputError extends ConfctlError {
  constructor(message: string, options?: OutcomeOptions) {
    super(message, EXIT.badInput, options)
  }
}

/** A node or a store could not be reached. Exit 3. */
export class UnreachableError extends ConfctlError {
  constructor(message: string, options?: OutcomeOptions) {
    super(message, EXIT.unreachable, options)
  }
}

/**
 * A store answered but refused what was asked of its data: a constraint, a permission, or a
 * table/column that is not there. Not "down" (no rerun will help until someone fixes it):
 * a request meeting it is `failed`. Exit 3 when the store refused (constraint, permission),
 * 2 when the datamap names something the store does not have.
 */
export class StoreRefusedError extends ConfctlError {
  constructor(
    message: string,
    readonly side: 'store' | 'datamap',
    options?: OutcomeOptions,
  ) {
    super(message, side === 'datamap' ? EXIT.badInput : EXIT.unreachable, options)
  }
}

/** A check ran and did not pass (smoke, thresholds, verify). Exit 1. */
export class CheckFailedError extends ConfctlError {
  constructor(message: string, options?: OutcomeOptions) {
    super(message, EXIT.checkFailed, options)
  }
}

/** This machine cannot do it: the node program or the WebRTC library missing, a spawn failed,
 *  a process that will not stop. Not a failed check (1): nothing was checked. Exit 69. */
export class UnavailableError extends ConfctlError {
  constructor(message: string, options?: OutcomeOptions) {
    super(message, EXIT.unavailable, options)
  }
}

/** Another confctl holds what this one needs (a lock); trying again later may work. Exit 75. */
export class BusyError extends ConfctlError {
  constructor(message: string, options?: OutcomeOptions) {
    super(message, EXIT.busy, options)
  }
}

/**
 * The command ends with a status decided outside confctl and already reported: a foreground
 * node's own exit code, or 128 + the number of the signal that ended a dashboard.
 */
export class PassedOnExit extends ConfctlError {
  constructor(message: string, exitCode: number) {
    super(message, exitCode, {reported: true})
  }
}
