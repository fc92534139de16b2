import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError, UnreachableError} from '../../errors.js'
import {verifyLines} from '../../privacy/dsar-render.js'
import {verifyErasure} from '../../privacy/erasure-verify.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarVerify extends BaseCommand {
  static override summary = 'Search every store again after an erasure and prove nothing remains but held/kept data.'
  static override description =
    '--json prints {"request","ok","pendingSteps","stores":[{"store","reachable","message"?,"remaining":[{"collection","key","via"}],"kept":[{"collection","key","reason","hold"?}],"unsearchable":[{"collection","path","reason"}]}]}. Exit 1 when something remains, steps are pending, or something the datamap covers could not be searched (an unreadable file or directory, a corrupt or unsupported compressed log; listed with the reason), 3 when a store is down.'
  static override examples = ['<%= config.bin %> dsar verify dsr-20260110-3f9a2c']
  static override args = {id: Args.string({required: true, description: 'Request id (an erasure request).'})}
  static override flags = {
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run() {
    const {args, flags} = await this.parse(DsarVerify)
    const r = await withPrivacy((ctx) =>
      withRequestScope(ctx, args.id, flags.datamap, (scope) => verifyErasure(ctx, scope), ['erasure']),
    )
    this.log(verifyLines(r).join('\n'))
    // The report above says what remains; the base class only sets the exit code.
    if (r.stores.some((s) => !s.reachable))
      throw new UnreachableError('a store could not be reached.', {reported: true}).withResult(r)
    if (!r.ok)
      throw new CheckFailedError('data remains, steps are pending or something could not be searched.', {
        reported: true,
      }).withResult(r)
    return r
  }
}
