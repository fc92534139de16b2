import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {UnreachableError} from '../../errors.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {parseSet, rectify, type RectifyResult} from '../../privacy/rectify.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarRectify extends BaseCommand {
  static override summary = "Correct the subject's data (Art. 16): set a field on every record found."
  static override description =
    '--json prints {"request","status","changes":[{"store","collection","field","records","changed","skipped"?}],"unreachable":[{"store","message"}]}. Exit 3 when a store is down, 2 for an unknown field or id.'
  static override examples = [
    '<%= config.bin %> dsar rectify dsr-20260110-3f9a2c --set display_name="Anna Schmidt"',
    '<%= config.bin %> dsar rectify dsr-20260110-3f9a2c --set accounts.email=anna@example.org',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id (a rectification request).'})}
  static override flags = {
    set: Flags.string({
      required: true,
      multiple: true,
      description: 'FIELD=VALUE or COLLECTION.FIELD=VALUE; repeatable.',
    }),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run(): Promise<RectifyResult> {
    const {args, flags} = await this.parse(DsarRectify)
    const sets = flags.set.map(parseSet)
    const r = await withPrivacy((ctx) =>
      withRequestScope(ctx, args.id, flags.datamap, (scope) => rectify(ctx, scope, sets), ['rectification']),
    )
    for (const c of r.changes)
      this.log(
        `${c.store}/${c.collection}: ${c.field} ${c.skipped ? `skipped (${c.skipped})` : `set on ${c.changed} of ${c.records} record(s)`}`,
      )
    if (r.unreachable.length)
      throw new UnreachableError(
        `request ${r.request} is partial: ${r.unreachable.map((u) => u.message).join(' ')}`,
      ).withResult(r)
    return r
  }
}
