import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError} from '../../errors.js'
import {interactiveShell, sshEntry} from '../../fleet/ssh/remote-shell.js'

export default class NodeSsh extends BaseCommand {
  static override summary = "Open an interactive shell in an ssh node's directory on its host."
  static override description = `Logs in with the same key and host key check as every other command (fleet.yaml's identityFile and knownHosts), with a terminal on the host, in the node's directory. Needs a terminal; scripts use \`confctl node exec\`.

Exit 0 when the shell exits 0, 1 when it exits non-zero, 3 when the host cannot be reached.`

  static override examples = ['<%= config.bin %> node ssh edge1']

  static override args = {
    name: Args.string({description: 'Node name (optional when fleet.yaml has exactly one node).'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(NodeSsh)
    const entry = await sshEntry(args.name)
    const code = await interactiveShell(entry)
    if (code !== 0)
      throw new CheckFailedError(`the shell on node '${entry.name}' exited with code ${code ?? 'unknown'}.`)
  }
}
