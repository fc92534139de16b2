import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {UnreachableError} from '../../errors.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'
import {liftRestriction, restrict} from '../../privacy/restriction.js'

export default class DsarRestrict extends BaseCommand {
  static override summary = "Restrict processing of the subject's records (Art. 18), or lift it with --lift."
  static override description =
    '--json prints {"request","lifted","records":[{"store","collection","count"}],"unreachable":[store]}. Exit 3 when a store is down.'
  static override examples = [
    '<%= config.bin %> dsar restrict dsr-20260110-3f9a2c',
    '<%= config.bin %> dsar restrict dsr-20260110-3f9a2c --lift',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id (a restriction request).'})}
  static override flags = {
    lift: Flags.boolean({default: false, description: 'Lift the restriction.'}),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run() {
    const {args, flags} = await this.parse(DsarRestrict)
    const r = await withPrivacy((ctx) =>
      withRequestScope(
        ctx,
        args.id,
        flags.datamap,
        (scope) => (flags.lift ? liftRestriction(ctx, scope) : restrict(ctx, scope)),
        ['restriction'],
      ),
    )
    for (const c of r.records)
      this.log(`${c.store}/${c.collection}: ${c.count} record(s) ${r.lifted ? 'no longer restricted' : 'restricted'}`)
    if (r.unreachable.length)
      throw new UnreachableError(
        `request ${r.request} is partial: ${r.unreachable.join(', ')} could not be searched.`,
      ).withResult(r)
    return r
  }
}
