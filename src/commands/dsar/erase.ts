import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {StoreRefusedError, UnreachableError, type ConfctlError} from '../../errors.js'
import {erasureLines, planLines} from '../../privacy/dsar-render.js'
import type {ErasurePlan} from '../../privacy/erasure-plan.js'
import {executeErasure, planOnly, replanErasure, type ErasureResult} from '../../privacy/erasure-run.js'
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

  async run(): Promise<EraseOutput> {
    const {args, flags} = await this.parse(DsarErase)
    // The scope callback returns the result and any failure; the failure is thrown (carrying the
    // result for --json) once the store and scope are closed.
    const {result, failure} = await withPrivacy((ctx) =>
      withRequestScope(
        ctx,
        args.id,
        flags.datamap,
        async (scope): Promise<{result: EraseOutput; failure?: ConfctlError}> => {
          const replanned = flags.replan ? await replanErasure(ctx, scope) : undefined
          const replannedJson = replanned
            ? {replanned: {superseded: replanned.superseded, firstSeq: replanned.firstSeq}}
            : {}
          const replannedLines = (steps: number) =>
            replanned ? [`replanned: ${replanned.superseded} pending step(s) superseded, ${steps} new`] : []
          if (!flags.execute) {
            const plan = replanned?.plan ?? (await planOnly(ctx, scope))
            const {stores, order, notes} = plan
            this.log(
              [
                ...replannedLines(plan.steps.length),
                ...planLines(plan),
                '(plan only: run again with --execute to carry it out)',
              ].join('\n'),
            )
            const result = {request: args.id, execute: false as const, stores, order, notes, ...replannedJson}
            // the plan above names the stores it could not reach
            return stores.some((s) => !s.reachable)
              ? {result, failure: new UnreachableError('a store could not be reached.', {reported: true})}
              : {result}
          }
          const r = await executeErasure(ctx, scope)
          this.log([...replannedLines(replanned?.plan.steps.length ?? 0), ...erasureLines(r)].join('\n'))
          const result = {...r, execute: true as const, ...replannedJson}
          if (r.failed)
            return {
              result,
              failure: new StoreRefusedError(
                `${r.failed.message}; request ${r.request} is failed: fix the cause, then run 'confctl dsar erase ${r.request} --replan --execute' (or 'confctl dsar cancel ${r.request} --reason TEXT').`,
                r.failed.side,
              ),
            }
          if (r.status !== 'partial') return {result}
          const pending = r.stores
            .filter((s) => s.status === 'unreachable')
            .map((s) => `${s.store} (${s.message ?? 'steps pending'})`)
          return {
            result,
            failure: new UnreachableError(
              `request ${r.request} is partial: ${pending.join(', ')}; run the same command again to finish.`,
            ),
          }
        },
        ['erasure'],
      ),
    )
    if (failure) throw failure.withResult(result)
    return result
  }
}

/** What --json prints: the plan (without --execute) or what the run did, and the replan if any. */
type EraseOutput = (
  | ({request: string; execute: false} & Pick<ErasurePlan, 'stores' | 'order' | 'notes'>)
  | (ErasureResult & {execute: true})
) & {replanned?: {superseded: number; firstSeq: number | null}}
