import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {StoreRefusedError, UnreachableError, type ConfctlError} from '../../errors.js'
import {erasureLines, planLines} from '../../privacy/dsar-render.js'
import {executeErasure, planOnly, replanErasure} from '../../privacy/erasure-run.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarErase extends BaseCommand {
  static override summary = 'Show the erasure plan for a request; with --execute, carry it out (journaled, resumable).'
  static override description =
    'Steps run children before parents, in the order the stores\' foreign keys and the datamap\'s references require; records that depend on a held record are kept with it. Without --execute nothing changes; --json prints {"request","execute":false,"stores":[{"store","reachable","message"?,"collections":[{"collection","strategy","records","keys","kept"?:{"reason","hold"?},"keptRecords"?:[{"records","reason","hold"?}],"steps"}]}],"order","notes"}. With --execute: {"request","execute":true,"status":"done"|"partial"|"failed","applied":[{"seq","store","collection","summary","changed"}],"order","notes","failed"?:{"seq","store","collection","message","side"},"stores":[{"store","status","message"?,"changed","kept"}]}. --replan (adds "replanned":{"superseded","firstSeq"}) replaces every step not yet applied with a fresh plan from the current datamap and stores (applied steps stay applied; the journal keeps both plans). Exit 3 when a store is down (the request stays partial; run again to finish) or refused a step (the request is failed); exit 2 when the datamap names a table or column the store lacks, or the collections cannot be ordered (a cycle).'
  static override examples = [
    '<%= config.bin %> dsar erase dsr-20260110-3f9a2c',
    '<%= config.bin %> dsar erase dsr-20260110-3f9a2c --execute',
    '<%= config.bin %> dsar erase dsr-20260110-3f9a2c --replan --execute',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id (an erasure request).'})}
  static override flags = {
    execute: Flags.boolean({default: false, description: 'Carry the plan out.'}),
    replan: Flags.boolean({
      default: false,
      description: 'Replace the steps not yet applied with a fresh plan (after fixing the datamap or the store).',
    }),
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
        async (scope): Promise<ConfctlError | undefined> => {
          const replanned = flags.replan ? await replanErasure(ctx, scope) : undefined
          if (!flags.execute) {
            const plan = replanned?.plan ?? (await planOnly(ctx, scope))
            const {stores, order, notes} = plan
            if (flags.json)
              this.printJson({
                request: args.id,
                execute: false,
                stores,
                order,
                notes,
                ...(replanned ? {replanned: {superseded: replanned.superseded, firstSeq: replanned.firstSeq}} : {}),
              })
            else
              this.log(
                [
                  ...(replanned
                    ? [`replanned: ${replanned.superseded} pending step(s) superseded, ${plan.steps.length} new`]
                    : []),
                  ...planLines(plan),
                  '(plan only: run again with --execute to carry it out)',
                ].join('\n'),
              )
            // the plan above names the stores it could not reach
            return stores.some((s) => !s.reachable)
              ? new UnreachableError('a store could not be reached.', {reported: true})
              : undefined
          }
          const r = await executeErasure(ctx, scope)
          const replannedJson = replanned
            ? {replanned: {superseded: replanned.superseded, firstSeq: replanned.firstSeq}}
            : {}
          if (flags.json) this.printJson({...r, execute: true, ...replannedJson})
          else
            this.log(
              [
                ...(replanned
                  ? [
                      `replanned: ${replanned.superseded} pending step(s) superseded, ${replanned.plan.steps.length} new`,
                    ]
                  : []),
                ...erasureLines(r),
              ].join('\n'),
            )
          if (r.failed)
            return new StoreRefusedError(
              `${r.failed.message}; request ${r.request} is failed: fix the cause, then run 'confctl dsar erase ${r.request} --replan --execute' (or 'confctl dsar cancel ${r.request} --reason TEXT').`,
              r.failed.side,
            )
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
