import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {EXIT} from '../../errors.js'
import {erasureLines, planLines} from '../../privacy/dsar-render.js'
import {executeErasure, planOnly} from '../../privacy/erasure-run.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarErase extends BaseCommand {
  static override summary = 'Show the erasure plan for a request; with --execute, carry it out (journaled, resumable).'
  static override description = 'Without --execute nothing changes; --json prints {"request","execute":false,"stores":[{"store","reachable","message"?,"collections":[{"collection","strategy","records","keys","kept"?:{"reason","hold"?},"steps"}]}]}. With --execute: {"request","execute":true,"status":"done"|"partial","applied":[{"seq","store","collection","summary","changed"}],"stores":[{"store","status","message"?,"changed","kept"}]}. Exit 3 when a store is down (the request stays partial; run again to finish).'
  static override examples = ['<%= config.bin %> dsar erase dsr-20260110-3f9a2c', '<%= config.bin %> dsar erase dsr-20260110-3f9a2c --execute']
  static override args = {id: Args.string({required: true, description: 'Request id (an erasure request).'})}
  static override flags = {
    execute: Flags.boolean({default: false, description: 'Carry the plan out.'}),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(DsarErase)
    await withPrivacy((ctx) =>
      withRequestScope(ctx, args.id, flags.datamap, async (scope) => {
        if (!flags.execute) {
          const stores = await planOnly(ctx, scope)
          if (flags.json) this.printJson({request: args.id, execute: false, stores})
          else this.log([...planLines(stores), '(plan only: run again with --execute to carry it out)'].join('\n'))
          if (stores.some((s) => !s.reachable)) this.exit(EXIT.unreachable)
          return
        }
        const r = await executeErasure(ctx, scope)
        if (flags.json) this.printJson({...r, execute: true})
        else this.log(erasureLines(r).join('\n'))
        if (r.status === 'partial') {
          process.stderr.write(`confctl: request ${r.request} is partial: ${r.stores.filter((s) => s.status === 'unreachable').map((s) => `${s.store} (${s.message ?? 'steps pending'})`).join(', ')}; run the same command again to finish.\n`)
          this.exit(EXIT.unreachable)
        }
      }, ['erasure']),
    )
  }
}
