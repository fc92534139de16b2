import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {durationFlag} from '../../cli/flags.js'
import {renderTable} from '../../cli/text-table.js'
import {UnreachableError} from '../../errors.js'
import {DEFAULT_OVERLAP_MS} from '../../fleet/operator-fleet-key.js'
import {rotateKey} from '../../fleet/fleet-rotate-key.js'

export default class FleetRotateKey extends BaseCommand {
  static override summary = 'Replace the fleet signing key and copy it to every node of fleet.yaml.'
  static override description = `Writes a new fleet.secret beside fleet.yaml, keeps the key it replaces as fleet.secret.previous for --overlap (tokens signed before the rotation stay valid until they expire; then confctl deletes it), and copies both into every node of fleet.yaml: local nodes' directories, and ssh nodes over SSH. A node reads the keys when it starts: restart running nodes (\`node up --name NAME\`) once they have them. --distribute-only copies the current keys again without rotating (for nodes that were unreachable).

Exit 0; 3 when a node could not be given the keys (the others were, and the table says which).

--json prints: {"rotated": boolean, "keyFile": string, "previousKept": boolean, "overlapEndsAt": string|null, "nodes": [{"name": string, "kind": "local"|"ssh", "delivered": boolean, "problem": string|null}]}.`

  static override examples = [
    '<%= config.bin %> fleet rotate-key',
    '<%= config.bin %> fleet rotate-key --overlap 1d --json',
    '<%= config.bin %> fleet rotate-key --distribute-only',
  ]

  static override flags = {
    overlap: durationFlag({
      description: 'How long the replaced key stays valid, e.g. 1d (default 7d, the longest a join token lives).',
      default: `${DEFAULT_OVERLAP_MS / 86_400_000}d`,
      bounds: {minMs: 0, maxMs: DEFAULT_OVERLAP_MS},
    }),
    'distribute-only': Flags.boolean({
      description: 'Copy the current keys to the nodes without rotating.',
      default: false,
    }),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(FleetRotateKey)
    const r = await rotateKey({distributeOnly: flags['distribute-only'], overlapMs: flags.overlap})
    if (flags.json) this.printJson(r)
    else {
      this.log(
        r.rotated
          ? `new fleet signing key in ${r.keyFile}${r.overlapEndsAt ? `; the previous one stays valid until ${r.overlapEndsAt}` : ''}.`
          : `fleet signing key ${r.keyFile} copied again.`,
      )
      if (r.nodes.length)
        this.log(
          renderTable(
            ['node', 'kind', 'keys', 'problem'],
            r.nodes.map((n) => [n.name, n.kind, n.delivered ? 'copied' : 'NOT copied', n.problem]),
          ),
        )
      if (r.nodes.some((n) => n.delivered))
        this.log('nodes use the new key from their next start (confctl node up --name NAME).')
    }
    const missed = r.nodes.filter((n) => !n.delivered)
    if (missed.length)
      throw new UnreachableError(
        `${missed.length} node(s) did not get the new key (${missed.map((n) => n.name).join(', ')}); run \`confctl fleet rotate-key --distribute-only\` once they are reachable.`,
        {reported: false},
      )
  }
}
