// The one base class of every confctl command: the shared --json flag, JSON/human output,
// and the mapping of thrown errors to one sentence plus a documented exit code.
import {Command, Errors, Flags} from '@oclif/core'
import {ConfctlError, EXIT} from '../errors.js'

export abstract class BaseCommand extends Command {
  static override baseFlags = {
    json: Flags.boolean({description: 'Print machine-readable JSON on stdout (and nothing else).', default: false}),
  }

  /** Writes a value as JSON (one document, nothing else on stdout). */
  protected printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n')
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof ConfctlError) {
      process.stderr.write(`confctl: ${err.message}\n`)
      return this.exit(err.exitCode)
    }
    // oclif's own parse errors (unknown flag, missing arg) are bad usage: exit 2, one sentence.
    if (err instanceof Errors.CLIError && !(err instanceof Errors.ExitError)) {
      process.stderr.write(`confctl: ${oneSentence(err.message)} (see --help)\n`)
      return this.exit(EXIT.badInput)
    }
    if (err instanceof Errors.ExitError) throw err
    process.stderr.write(`confctl: unexpected error: ${err.message}\n`)
    if (process.env.CONFCTL_DEBUG) process.stderr.write(`${err.stack}\n`)
    return this.exit(1)
  }
}

/**
 * oclif's parse errors span several lines ("The following error occurred:", the error,
 * "See more help with --help"); keep the lines that say what is wrong, on one line.
 */
export function oneSentence(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^The following errors? occurred:?$/i.test(l) && !/^See more help with/i.test(l))
  return lines.join(' ').replace(/:\s*$/, '') || message.trim()
}
