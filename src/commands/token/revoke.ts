import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {connectNode} from '../../fleet/resolve-node.js'

export default class TokenRevoke extends BaseCommand {
  static override summary =
    'Revoke a join token by its id (jti): the node refuses it from now on, also after a restart.'
  static override description = `JTI is the id \`confctl token create\` printed (or the token's "jti" claim). The node keeps the revocation until the token would have expired anyway (--exp, or 7 days, the longest a token lives). Sessions already running are not ended: use \`confctl room kick\` for those.

--json prints: {"jti": string, "revokedAt": string (ISO 8601), "expiresAt": string (ISO 8601, when the node forgets it)}.`

  static override examples = ['<%= config.bin %> token revoke 3b0c6c1e-6a57-4f7e-9a43-2d7f1f0c9a10 --node edge1']

  static override args = {
    jti: Args.string({description: 'Id of the token to revoke (its jti claim).', required: true}),
  }

  static override flags = {
    node: Flags.string({description: 'Node that issued the token (optional when fleet.yaml has exactly one node).'}),
    exp: Flags.integer({
      description: "The token's exp (seconds since 1970), when known: the revocation is kept until then.",
    }),
  }

  async run() {
    const {args, flags} = await this.parse(TokenRevoke)
    const {entry, client} = await connectNode(flags.node)
    const r = await client.revokeToken(args.jti, flags.exp)
    this.log(`token ${r.jti} is revoked on node '${entry.name}' (kept until ${r.expiresAt})`)
    return r
  }
}
