import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {BadInputError} from '../../errors.js'
import {fileSize, followFile, readLastLines} from '../../fleet/log-tail.js'
import {nodeFiles} from '../../fleet/paths.js'
import {resolveNode} from '../../fleet/resolve-node.js'

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

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NodeLogs)
    const n = flags.lines === undefined ? 50 : Number(flags.lines)
    if (!Number.isInteger(n) || n < 0)
      throw new BadInputError(`-n/--lines must be a whole number >= 0, got '${flags.lines}'.`)
    const entry = await resolveNode(args.name)
    if (entry.kind !== 'local') {
      throw new BadInputError(
        `node '${entry.name}' is an ssh node, and this version of confctl cannot read remote logs yet.`,
      )
    }
    const file = nodeFiles(entry.dir).log
    const offset = await fileSize(file) // follow from here, so no line is printed twice
    const lines = await readLastLines(file, n)
    if (flags.json) this.printJson({name: entry.name, file, lines})
    else for (const l of lines) this.log(l)
    if (!flags.follow) return

    const stop = new AbortController()
    const onSignal = () => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    try {
      await followFile(
        file,
        offset,
        (line) => (flags.json ? process.stdout.write(JSON.stringify({line}) + '\n') : this.log(line)),
        stop.signal,
      )
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}
