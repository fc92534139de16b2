import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {PassedOnExit} from '../../errors.js'
import {execOnNode, passedOnStatus, sshEntry} from '../../fleet/ssh/remote-shell.js'

export default class NodeExec extends BaseCommand {
  static override summary = "Run a command in an ssh node's directory on its host."
  static override description = `Everything after -- is the command, parsed by the remote shell as ssh does (quote pipes and redirections). It runs in the node's directory (data/ holds node.log, node.db, access.log). Its output goes to this terminal.

Standard input is passed to the command when it is not a terminal (\`echo x | confctl node exec edge1 -- cat\`). The exit status is the remote command's own (128 + the signal's number when a signal killed it), as with ssh; confctl's own failures before the command runs are 2 (bad input) and 3 (the host cannot be reached).

--json prints: {"name", "host", "command", "exitCode": number|null, "signal": string|null, "stdout": string, "stderr": string}.`

  static override examples = [
    '<%= config.bin %> node exec edge1 -- tail -n 50 data/node.log',
    "<%= config.bin %> node exec edge1 -- 'df -h . && free -m'",
  ]

  static override strict = false

  static override args = {
    name: Args.string({description: 'Node name, as in `confctl node list`.', required: true}),
  }

  async run() {
    const {args, argv, flags} = await this.parse(NodeExec)
    const command = (argv as string[]).slice(1).join(' ')
    const entry = await sshEntry(args.name)
    const r = await execOnNode(
      entry,
      command,
      flags.json ? 'capture' : {stdout: process.stdout, stderr: process.stderr},
      process.stdin.isTTY ? undefined : process.stdin,
    )
    const status = passedOnStatus(r)
    if (status !== 0) {
      const how = r.signal ? `was killed by ${r.signal}` : `exited with code ${r.exitCode}`
      throw new PassedOnExit(`\`${command}\` on node '${r.name}' ${how}.`, status).withResult(r)
    }
    return r
  }
}
