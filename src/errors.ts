// Errors that carry confctl's documented exit codes (DESIGN.md): domain modules throw
// them, the command base class turns them into one sentence on stderr and the exit code.

export const EXIT = {ok: 0, checkFailed: 1, badInput: 2, unreachable: 3} as const

export class ConfctlError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message)
    this.name = new.target.name
  }
}

/** Bad usage or bad input: a flag, a file, an argument. Exit 2. */
export class BadInputError extends ConfctlError {
  constructor(message: string) {
    super(message, EXIT.badInput)
  }
}

/** A node or a store could not be reached. Exit 3. */
export class UnreachableError extends ConfctlError {
  constructor(message: string) {
    super(message, EXIT.unreachable)
  }
}

/** A check ran and did not pass (smoke, thresholds, verify). Exit 1. */
export class CheckFailedError extends ConfctlError {
  constructor(message: string) {
    super(message, EXIT.checkFailed)
  }
}
