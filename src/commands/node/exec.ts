import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError} from '../../errors.js'
import {execOnNode, sshEntry} from '../../fleet/ssh/remote-shell.js'

export default class NodeExec extends BaseCommand {
  static override summary = "Run a command in an ssh node's directory on its host."
  static override description = `Everything after -- is the command, parsed by the remote shell as ssh does (quote pipes and redirections). It runs in the node's directory (data/ holds node.log, node.db, access.log). Its output goes to this terminal.

Exit 0 when the command succeeded, 1 when it exited non-zero (its code is in the message), 3 when the host cannot be reached.

--json prints: {"name", "host", "command", "exitCode": number|null, "signal": string|null, "stdout": string, "stderr": string}.`

  static override examples = [
    '<%= config.bin %> node exec edge1 -- tail -n 50 data/node.log',
    "<%= config.bin %> node exec edge1 -- 'df -h . && free -m'",
  ]

  static override strict = false

  static override args = {
    name: Args.string({description: 'Node name, as in `confctl node list`.', required: true}),
  }

  async run(): Promise<void> {
    const {args, argv, flags} = await this.parse(NodeExec)
    const command = (argv as string[]).slice(1).join(' ')
    const entry = await sshEntry(args.name)
    const r = await execOnNode(
      entry,
      command,
      flags.json ? 'capture' : {stdout: process.stdout, stderr: process.stderr},
    )
    if (flags.json) this.printJson(r)
    if (r.exitCode !== 0) {
      const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`
      throw new CheckFailedError(`\`${command}\` on node '${r.name}' ${how}.`)
    }
  }
}
