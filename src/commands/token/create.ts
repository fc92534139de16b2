import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'
import {parseDurationSeconds} from '../../fleet/units.js'

export default class TokenCreate extends BaseCommand {
  static override summary = 'Issue a join token (JWT) for a room, signed by the node.'
  static override description = `Prints the token alone on stdout (so \`TOKEN=$(confctl token create ...)\` works) and its expiry on stderr. The room does not need to exist yet.

--json prints: {"token": string, "expiresAt": string (ISO 8601), "room": string, "identity": string}.`

  static override examples = [
    '<%= config.bin %> token create --room standup --identity alice@example.org --name "Alice" --ttl 1h',
    '<%= config.bin %> token create --room standup --identity bot-1 --ttl 15m --node edge1 --json',
  ]

  static override flags = {
    room: Flags.string({description: 'Room the token admits to.', required: true}),
    identity: Flags.string({description: 'Stable identity of the participant (recorded in session logs).', required: true}),
    name: Flags.string({description: 'Display name shown to others.'}),
    ttl: Flags.string({description: 'Validity: 30s, 15m, 1h, 2d (default: the node\'s default).'}),
    node: Flags.string({description: 'Node that signs the token (optional when fleet.yaml has exactly one node).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(TokenCreate)
    // Validate before any network traffic, so a typo is exit 2 even when the node is down.
    const ttlSeconds = flags.ttl === undefined ? undefined : parseDurationSeconds(flags.ttl, '--ttl')
    const {client} = await connectNode(flags.node)
    const r = await client.createToken({room: flags.room, identity: flags.identity, name: flags.name, ttlSeconds})
    if (flags.json) {
      this.printJson({token: r.token, expiresAt: r.expiresAt, room: flags.room, identity: flags.identity})
      return
    }
    this.log(r.token)
    this.logToStderr(`token for '${flags.identity}' in room '${flags.room}', expires ${r.expiresAt}`)
  }
}
