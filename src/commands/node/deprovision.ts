import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {deprovisionNode} from '../../fleet/ssh/deprovision.js'

export default class NodeDeprovision extends BaseCommand {
  static override summary =
    'Stop an ssh node and remove it from its host and from fleet.yaml; its data stays unless --purge.'
  static override description = `Stops the node, removes its systemd unit or pidfile, its bundles, config, run script and secrets, and its entry in fleet.yaml. The node's data stays in DIR/data on the host: node.db (sessions, QoE samples), access.log and node.log hold personal data under retention, which may still have to be produced or erased for a data-subject request. --purge removes the whole node directory, data included.

--json prints: {"name", "host", "dir", "wasRunning": boolean, "purged": boolean, "kept": [file names left in DIR/data]}.`

  static override examples = [
    '<%= config.bin %> node deprovision edge1',
    '<%= config.bin %> node deprovision edge1 --purge --json',
  ]

  static override args = {
    name: Args.string({description: 'Node name, as in `confctl node list`.', required: true}),
  }

  static override flags = {
    purge: Flags.boolean({
      description: "Also delete the node's data (node.db, logs): personal data, gone for good.",
      default: false,
    }),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(NodeDeprovision)
    const showProgress = !flags.json && Boolean(process.stderr.isTTY)
    const r = await deprovisionNode(args.name, {
      purge: flags.purge,
      onProgress: showProgress ? (m) => process.stderr.write(`deprovision: ${m}\n`) : undefined,
    })
    if (flags.json) {
      this.printJson(r)
      return
    }
    this.log(`node '${r.name}' removed from ${r.host}${r.wasRunning ? ' (stopped)' : ''}.`)
    if (r.purged) this.log(`  ${r.dir} was deleted with its data.`)
    else if (r.kept.length) this.log(`  its data stays in ${r.dir}/data: ${r.kept.join(', ')} (remove it with --purge)`)
  }
}
