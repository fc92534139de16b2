import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {deprovisionNode, forgetNode} from '../../fleet/ssh/deprovision.js'

export default class NodeDeprovision extends BaseCommand {
  static override summary =
    'Stop an ssh node and remove it from its host and from fleet.yaml; its data stays unless --purge.'
  static override description = `Stops the node, removes its systemd unit or pidfile, its bundles, config, run script and secrets, and its entry in fleet.yaml. The node's data stays in DIR/data on the host: node.db (sessions, QoE samples), access.log and node.log hold personal data under retention, which may still have to be produced or erased for a data-subject request. --purge removes the whole node directory, data included.

--forget is for a host that is gone for good: it only removes the entry from fleet.yaml, without connecting, and warns that nothing on the host was cleaned (if the host comes back, its node, secrets and data are still there).

--json prints: {"name", "host", "dir", "wasRunning": boolean, "purged": boolean, "kept": [file names left in DIR/data], "forgotten"?: true}.`

  static override examples = [
    '<%= config.bin %> node deprovision edge1',
    '<%= config.bin %> node deprovision edge1 --purge --json',
    '<%= config.bin %> node deprovision old-edge --forget',
  ]

  static override args = {
    name: Args.string({description: 'Node name, as in `confctl node list`.', required: true}),
  }

  static override flags = {
    purge: Flags.boolean({
      description: "Also delete the node's data (node.db, logs): personal data, gone for good.",
      default: false,
      exclusive: ['forget'],
    }),
    forget: Flags.boolean({
      description: 'Only remove the node from fleet.yaml, without connecting (its host is gone for good).',
      default: false,
    }),
  }

  async run() {
    const {args, flags} = await this.parse(NodeDeprovision)
    if (flags.forget) {
      const r = await forgetNode(args.name)
      process.stderr.write(
        `confctl: warning: ${r.host} was not cleaned: ${r.dir} may still hold the node, its secrets and its data (personal data under retention).\n`,
      )
      this.log(`node '${r.name}' removed from fleet.yaml; nothing on ${r.host} was touched.`)
      return r
    }
    const showProgress = !flags.json && Boolean(process.stderr.isTTY)
    const r = await deprovisionNode(args.name, {
      purge: flags.purge,
      onProgress: showProgress ? (m) => process.stderr.write(`deprovision: ${m}\n`) : undefined,
    })
    this.log(`node '${r.name}' removed from ${r.host}${r.wasRunning ? ' (stopped)' : ''}.`)
    if (r.purged) this.log(`  ${r.dir} was deleted with its data.`)
    else if (r.kept.length) this.log(`  its data stays in ${r.dir}/data: ${r.kept.join(', ')} (remove it with --purge)`)
    return r
  }
}
