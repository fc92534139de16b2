import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {DEFAULT_STOP_TIMEOUT_MS} from '../../fleet/node-launcher-local.js'
import {bringDownNode} from '../../fleet/node-lifecycle.js'
import {durationFlag} from '../../cli/flags.js'

export default class NodeDown extends BaseCommand {
  static override summary = 'Stop a local node (SIGTERM, then SIGKILL after --timeout).'
  static override description = `Stopping a node that is not running is not an error (exit 0); its leftover pidfile is removed. The node stays in fleet.yaml, so \`confctl node up --name NAME\` starts it again with the same settings.

--json prints: {"name": string, "wasRunning": boolean, "pid": number|null, "forced": boolean (SIGKILL was needed), "staleFilesRemoved": boolean}.`

  static override examples = [
    '<%= config.bin %> node down local',
    '<%= config.bin %> node down edge1 --timeout 30s --json',
  ]

  static override args = {
    name: Args.string({description: 'Node name, as in `confctl node list`.', required: true}),
  }

  static override flags = {
    timeout: durationFlag({
      description: `How long to wait after SIGTERM before SIGKILL (default ${DEFAULT_STOP_TIMEOUT_MS / 1000}s).`,
    }),
  }

  async run() {
    const {args, flags} = await this.parse(NodeDown)
    const timeoutMs = flags.timeout
    const r = await bringDownNode(args.name, {timeoutMs})
    if (!r.wasRunning) {
      this.log(`node '${r.name}' was not running${r.staleFilesRemoved ? ' (removed a stale pidfile)' : ''}.`)
    } else {
      this.log(
        `node '${r.name}' stopped (pid ${r.pid}${r.forced ? ', killed with SIGKILL after it ignored SIGTERM' : ''}).`,
      )
    }
    return {
      name: r.name,
      wasRunning: r.wasRunning,
      pid: r.pid ?? null,
      forced: r.forced,
      staleFilesRemoved: r.staleFilesRemoved,
    }
  }
}
