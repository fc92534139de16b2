import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {BadInputError} from '../../errors.js'
import {clearDefaultNode, defaultNode, defaultNodeFile, recordDefaultNode} from '../../fleet/default-node.js'
import {readInventory} from '../../fleet/inventory.js'
import {inventoryPath} from '../../fleet/paths.js'
import {pickNode} from '../../fleet/resolve-node.js'

export default class NodeUse extends BaseCommand {
  static override summary = 'Choose the node that commands use when --node is left out.'
  static override description = `With several nodes in fleet.yaml, room, token, qoe and node commands ask for --node; after \`confctl node use NAME\` they use NAME instead. $CONFCTL_NODE, when set, wins over the recorded choice (for one shell or script); --node always wins. The choice is kept in default-node next to fleet.yaml and shown with a * in \`confctl node list\`. Without NAME, prints the current default. Exit 2 if NAME is not in fleet.yaml.

--json prints: {"default": string|null, "source": "CONFCTL_NODE"|string|null} (source is the file the default was read from).`

  static override examples = [
    '<%= config.bin %> node use edge-1',
    '<%= config.bin %> node use',
    '<%= config.bin %> node use --clear',
    'CONFCTL_NODE=edge-2 <%= config.bin %> room list',
  ]

  static override args = {
    name: Args.string({description: 'Node name from fleet.yaml; leave out to print the current default.'}),
  }

  static override flags = {
    clear: Flags.boolean({description: 'Forget the recorded default.', default: false}),
  }

  async run(): Promise<{default: string | null; source: string | null}> {
    const {args, flags} = await this.parse(NodeUse)
    if (flags.clear && args.name) throw new BadInputError('give either NAME or --clear, not both.')
    if (flags.clear) clearDefaultNode()
    else if (args.name) {
      const entry = pickNode(await readInventory(), args.name) // exit 2 for an unknown name
      await recordDefaultNode(entry.name)
    }
    const now = defaultNode()
    if (!now)
      this.log(
        `no default node (${defaultNodeFile()} absent, CONFCTL_NODE unset); commands use the only node in ${inventoryPath()} or ask for --node.`,
      )
    else this.log(`default node: ${now.name} (from ${now.source})`)
    if (now?.source === 'CONFCTL_NODE' && args.name && now.name !== args.name) {
      this.logToStderr(`note: CONFCTL_NODE=${now.name} is set in this shell and wins over '${args.name}'.`)
    }
    return {default: now?.name ?? null, source: now?.source ?? null}
  }
}
