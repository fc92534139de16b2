// The one base class of every confctl command: the --json flag (oclif's enableJsonFlag: a
// command returns its typed result, and --json prints that and nothing else on stdout), and the
// mapping of thrown errors to one sentence plus a documented exit code.
import {format} from 'node:util'
import {Command, Errors, Flags} from '@oclif/core'
import {ConfctlError, EXIT} from '../errors.js'

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  // Declared here too (oclif adds its own when enableJsonFlag is set; ours wins) so `flags.json`
  // is typed and the help says what --json means for confctl.
  static override baseFlags = {
    json: Flags.boolean({
      description: 'Print the result as JSON on stdout (and nothing else there).',
      default: false,
      helpGroup: 'GLOBAL',
    }),
  }

  /** One JSON document, plain (oclif's own colours it on a terminal, which breaks `| jq` habits like copy and paste). */
  override logJson(json: unknown): void {
    process.stdout.write(JSON.stringify(json, null, 2) + '\n')
  }

  /** Notes and warnings go to stderr with --json too (oclif's would drop them): stdout stays JSON only. */
  override logToStderr(message = '', ...args: unknown[]): void {
    process.stderr.write(format(message, ...args) + '\n')
  }

  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof ConfctlError) {
      // A failed check still has its report: --json prints it, the exit code says it failed.
      if (err.result !== undefined && this.jsonEnabled()) this.logJson(err.result)
      if (!err.reported) process.stderr.write(`confctl: ${err.message}\n`)
      return this.exit(err.exitCode)
    }
    // oclif's own parse errors (unknown flag, missing arg) are bad usage: exit 2, one sentence.
    if (err instanceof Errors.CLIError && !(err instanceof Errors.ExitError)) {
      process.stderr.write(`confctl: ${oneSentence(err.message)} (see --help)\n`)
      return this.exit(EXIT.badInput)
    }
    if (err instanceof Errors.ExitError) throw err
    // Anything else is a bug of ours: its own exit code (not 1, which says "a check failed"),
    // one line, the stack only on request.
    if (process.env.CONFCTL_DEBUG) process.stderr.write(`confctl: internal error: ${err.stack ?? err.message}\n`)
    else process.stderr.write(`confctl: internal error: ${oneLine(err)} (CONFCTL_DEBUG=1 for the stack)\n`)
    return this.exit(EXIT.internal)
  }
}

/** An unexpected error's message on one line (a non-Error throw has none: show its value). */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err)
  return text.replace(/\s*\n\s*/g, ' ').trim() || 'no message'
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
