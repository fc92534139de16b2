import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {durationFlag} from '../../cli/flags.js'
import {renderTable} from '../../cli/text-table.js'
import {UnreachableError} from '../../errors.js'
import {DEFAULT_ROTATION_OVERLAP_MS} from '../../fleet/fleet-key.js'
import {rotateKey} from '../../fleet/fleet-rotate-key.js'

export default class FleetRotateKey extends BaseCommand {
  static override summary = 'Replace the fleet signing key and install it in every node of fleet.yaml.'
  static override description = `Writes a new fleet.secret beside fleet.yaml and installs it in every node of fleet.yaml: local nodes' directories, and ssh nodes over SSH. Each node keeps the key it had as its previous key for --overlap (join tokens signed before the rotation stay valid that long) and reads the new key within a second, without a restart. --distribute-only installs the current key again without making a new one (for nodes that were unreachable at the rotation).

Exit 0; 3 when a node could not be given the key (the others were, and the table says which).

--json prints: {"rotated": boolean, "keyFile": string, "overlapEndsAt": string|null, "nodes": [{"name": string, "kind": "local"|"ssh", "result": "written"|"rotated"|"unchanged"|"failed", "problem": string|null}]}.`

  static override examples = [
    '<%= config.bin %> fleet rotate-key',
    '<%= config.bin %> fleet rotate-key --overlap 2h --json',
    '<%= config.bin %> fleet rotate-key --distribute-only',
  ]

  static override flags = {
    overlap: durationFlag({
      description: 'How long nodes keep accepting the replaced key, e.g. 2h, 1d; 0 ends it at once (default 1d).',
      default: `${DEFAULT_ROTATION_OVERLAP_MS / 3_600_000}h`,
      bounds: {minMs: 0, maxMs: 7 * 86_400_000},
    }),
    'distribute-only': Flags.boolean({
      description: 'Install the current key in the nodes without making a new one.',
      default: false,
    }),
  }

  async run() {
    const {flags} = await this.parse(FleetRotateKey)
    const r = await rotateKey({distributeOnly: flags['distribute-only'], overlapMs: flags.overlap})
    this.log(
      r.rotated
        ? `new fleet signing key in ${r.keyFile}${r.overlapEndsAt ? `; nodes accept the previous one until ${r.overlapEndsAt}` : ''}.`
        : `fleet signing key ${r.keyFile} installed again.`,
    )
    if (r.nodes.length)
      this.log(
        renderTable(
          ['node', 'kind', 'key', 'problem'],
          r.nodes.map((n) => [n.name, n.kind, n.result === 'failed' ? 'NOT installed' : n.result, n.problem]),
        ),
      )
    const missed = r.nodes.filter((n) => n.result === 'failed')
    if (missed.length)
      throw new UnreachableError(
        `${missed.length} node(s) did not get the new key (${missed.map((n) => n.name).join(', ')}); run \`confctl fleet rotate-key --distribute-only\` once they are reachable.`,
      ).withResult(r)
    return r
  }
}
