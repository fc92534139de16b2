import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {stopOnSignal} from '../../cli/stop-signal.js'
import {BadInputError} from '../../errors.js'
import {followNodeLog, readNodeLog} from '../../fleet/node-logs.js'

export interface NodeLogsResult {
  name: string
  file: string
  lines: string[]
}

export default class NodeLogs extends BaseCommand {
  static override summary = "Print the end of a local node's log (node.log), and follow it with -f."
  static override description = `Reads $CONFCTL_HOME/nodes/<name>/node.log, the node's stdout and stderr when started detached. -f keeps printing new lines until Ctrl-C (exit 0).

--json prints {"name": string, "file": string, "lines": string[]}; with -f it prints that for the last lines, then one {"line": string} object per line (JSON lines) as they arrive.`

  static override examples = ['<%= config.bin %> node logs local', '<%= config.bin %> node logs local -f -n 200']

  static override args = {
    name: Args.string({description: 'Node name (optional when fleet.yaml has exactly one node).'}),
  }

  static override flags = {
    follow: Flags.boolean({char: 'f', description: 'Keep printing new lines until Ctrl-C.', default: false}),
    lines: Flags.string({char: 'n', description: 'How many lines from the end to print first (default 50).'}),
  }

  async run(): Promise<NodeLogsResult | undefined> {
    const {args, flags} = await this.parse(NodeLogs)
    const n = flags.lines === undefined ? 50 : Number(flags.lines)
    if (!Number.isInteger(n) || n < 0)
      throw new BadInputError(`-n/--lines must be a whole number >= 0, got '${flags.lines}'.`)
    const log = await readNodeLog(args.name, n)
    const result: NodeLogsResult = {name: log.name, file: log.file, lines: log.lines}
    for (const l of log.lines) this.log(l)
    if (!flags.follow) return result
    // Following, the result goes first and the new lines after it (one JSON object each).
    if (this.jsonEnabled()) this.logJson(result)

    const stop = stopOnSignal()
    try {
      const print = (line: string) =>
        flags.json ? process.stdout.write(JSON.stringify({line}) + '\n') : this.log(line)
      await followNodeLog(log, print, stop.signal)
    } finally {
      stop.dispose()
    }
    return undefined
  }
}
