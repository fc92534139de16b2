import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {UnreachableError} from '../../errors.js'
import {erasureLines, planLines} from '../../privacy/dsar-render.js'
import {executeErasure, planOnly} from '../../privacy/erasure-run.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarErase extends BaseCommand {
  static override summary = 'Show the erasure plan for a request; with --execute, carry it out (journaled, resumable).'
  static override description =
    'Without --execute nothing changes; --json prints {"request","execute":false,"stores":[{"store","reachable","message"?,"collections":[{"collection","strategy","records","keys","kept"?:{"reason","hold"?},"steps"}]}]}. With --execute: {"request","execute":true,"status":"done"|"partial","applied":[{"seq","store","collection","summary","changed"}],"stores":[{"store","status","message"?,"changed","kept"}]}. Exit 3 when a store is down (the request stays partial; run again to finish).'
  static override examples = [
    '<%= config.bin %> dsar erase dsr-20260110-3f9a2c',
    '<%= config.bin %> dsar erase dsr-20260110-3f9a2c --execute',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id (an erasure request).'})}
  static override flags = {
    execute: Flags.boolean({default: false, description: 'Carry the plan out.'}),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(DsarErase)
    // The scope callback returns the outcome; it is thrown once the store and scope are closed.
    const outcome = await withPrivacy((ctx) =>
      withRequestScope(
        ctx,
        args.id,
        flags.datamap,
        async (scope): Promise<UnreachableError | undefined> => {
          if (!flags.execute) {
            const stores = await planOnly(ctx, scope)
            if (flags.json) this.printJson({request: args.id, execute: false, stores})
            else this.log([...planLines(stores), '(plan only: run again with --execute to carry it out)'].join('\n'))
            // the plan above names the stores it could not reach
            return stores.some((s) => !s.reachable)
              ? new UnreachableError('a store could not be reached.', {reported: true})
              : undefined
          }
          const r = await executeErasure(ctx, scope)
          if (flags.json) this.printJson({...r, execute: true})
          else this.log(erasureLines(r).join('\n'))
          if (r.status !== 'partial') return undefined
          const pending = r.stores
            .filter((s) => s.status === 'unreachable')
            .map((s) => `${s.store} (${s.message ?? 'steps pending'})`)
          return new UnreachableError(
            `request ${r.request} is partial: ${pending.join(', ')}; run the same command again to finish.`,
          )
        },
        ['erasure'],
      ),
    )
    if (outcome) throw outcome
  }
}
