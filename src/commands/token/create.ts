import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {BadInputError} from '../../errors.js'
import {connectNode} from '../../fleet/resolve-node.js'
import {durationFlag} from '../../cli/flags.js'

export default class TokenCreate extends BaseCommand {
  static override summary = 'Issue a join token (JWT) for a room, signed by the node.'
  static override description = `Prints the token alone on stdout (so \`TOKEN=$(confctl token create ...)\` works) and its expiry and id (jti) on stderr. The room does not need to exist yet.

Grants: by default the token may publish and subscribe, with at most 2 sessions at once; --no-publish or --no-subscribe narrow it, --max-sessions N (1-100) sets the cap. Revoke it with \`confctl token revoke JTI\`.

--json prints: {"token": string, "expiresAt": string (ISO 8601), "room": string, "identity": string, "jti": string, "grants": {"publish": boolean, "subscribe": boolean, "maxSessions": number}}.`

  static override examples = [
    '<%= config.bin %> token create --room standup --identity alice@example.org --name "Alice" --ttl 1h',
    '<%= config.bin %> token create --room standup --identity bot-1 --ttl 15m --node edge1 --json',
    '<%= config.bin %> token create --room town-hall --identity viewer-7 --no-publish --max-sessions 1',
  ]

  static override flags = {
    room: Flags.string({description: 'Room the token admits to.', required: true}),
    identity: Flags.string({
      description: 'Stable identity of the participant (recorded in session logs).',
      required: true,
    }),
    name: Flags.string({description: 'Display name shown to others.'}),
    ttl: durationFlag({
      description: 'Validity: 30s, 15m, 1h, 2d, at most 7d (default: 1h).',
      unit: 's',
      bounds: {maxMs: 7 * 86_400_000},
    }),
    publish: Flags.boolean({
      description: 'Allow publishing (WHIP); --no-publish for a viewer-only token (default: allowed).',
      allowNo: true,
    }),
    subscribe: Flags.boolean({
      description: 'Allow subscribing (WHEP); --no-subscribe for a send-only token (default: allowed).',
      allowNo: true,
    }),
    'max-sessions': Flags.string({description: 'Sessions the token may hold at once on the node, 1-100 (default 2).'}),
    node: Flags.string({description: 'Node that signs the token (optional when fleet.yaml has exactly one node).'}),
  }

  async run() {
    const {flags} = await this.parse(TokenCreate)
    // Validate before any network traffic, so a typo is exit 2 even when the node is down.
    const ttlSeconds = flags.ttl
    const maxSessions = flags['max-sessions'] === undefined ? undefined : parseMaxSessions(flags['max-sessions'])
    if (flags.publish === false && flags.subscribe === false) {
      throw new BadInputError(
        '--no-publish and --no-subscribe together leave the token allowing nothing; drop one of them.',
      )
    }
    const {client} = await connectNode(flags.node)
    const r = await client.createToken({
      room: flags.room,
      identity: flags.identity,
      name: flags.name,
      ttlSeconds,
      grants: {publish: flags.publish, subscribe: flags.subscribe, maxSessions},
    })
    this.log(r.token)
    const g = r.grants
    const may = [g.publish && 'publish', g.subscribe && 'subscribe'].filter(Boolean).join(' and ')
    this.logToStderr(
      `token ${r.jti} for '${flags.identity}' in room '${flags.room}' (may ${may}, ${g.maxSessions} session${g.maxSessions === 1 ? '' : 's'} at once), expires ${r.expiresAt}`,
    )
    return {
      token: r.token,
      expiresAt: r.expiresAt,
      room: flags.room,
      identity: flags.identity,
      jti: r.jti,
      grants: r.grants,
    }
  }
}

function parseMaxSessions(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < 1 || n > 100)
    throw new BadInputError(`--max-sessions must be a whole number from 1 to 100, got '${value}'.`)
  return n
}
