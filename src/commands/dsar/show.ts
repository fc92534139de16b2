import {Args} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {readAudit} from '../../privacy/audit-log.js'
import {requestLines} from '../../privacy/dsar-render.js'
import {journalSteps} from '../../privacy/erasure-journal.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {daysLeft, getRequest} from '../../privacy/request-register.js'

export default class DsarShow extends BaseCommand {
  static override summary = 'Show one request: dates, status per store, erasure journal and audit events.'
  static override description =
    '--json prints {"request": {...,"daysLeft"}, "journal": [{"seq","store","collection","summary","status","changed"}], "events": [{"seq","at","actor","event"}]}. Exit 2 for an unknown id.'
  static override examples = [
    '<%= config.bin %> dsar show dsr-20260110-3f9a2c',
    '<%= config.bin %> dsar show dsr-20260110-3f9a2c --json',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id.'})}

  async run() {
    const {args} = await this.parse(DsarShow)
    const out = await withPrivacy(async (ctx) => {
      const request = await getRequest(ctx.db, args.id)
      const journal = (await journalSteps(ctx.db, ctx.key, args.id)).map(
        ({seq, store, collection, summary, status, changed}) => ({seq, store, collection, summary, status, changed}),
      )
      const events = (await readAudit(ctx.db, args.id)).map(({seq, at, actor, event}) => ({seq, at, actor, event}))
      return {request: {...request, daysLeft: daysLeft(request)}, journal, events}
    })
    this.log(requestLines(out.request).join('\n'))
    for (const j of out.journal)
      this.log(
        `  step ${j.seq} ${j.store}/${j.collection}: ${j.summary} [${j.status}${j.changed !== null ? `, ${j.changed} changed` : ''}]`,
      )
    for (const e of out.events) this.log(`  ${e.at} ${e.actor} ${e.event}`)
    return out
  }
}
