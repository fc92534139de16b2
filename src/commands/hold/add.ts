import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dayFlag} from '../../cli/flags.js'
import {endOfDay} from '../../units.js'
import {loadDatamap} from '../../privacy/datamap-load.js'
import {addHold} from '../../privacy/holds.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {parseIdentifier, subjectHash} from '../../privacy/subject.js'

export default class HoldAdd extends BaseCommand {
  static override summary = 'Put a legal hold on a store (or one collection, or one subject in it): erasure keeps it.'
  static override description =
    '--json prints the hold: {"id","store","collection","subjectHash","reason","until","createdAt","releasedAt"}. Exit 2 for an unknown store/collection or a bad date.'
  static override examples = [
    '<%= config.bin %> hold add --store webserver --reason "evidence for incident 2026-113" --until 2026-12-31',
  ]
  static override flags = {
    store: Flags.string({required: true, description: 'Store name from the datamap.'}),
    collection: Flags.string({description: 'Only this collection.'}),
    subject: Flags.string({description: 'Only this subject (TYPE=VALUE; stored as a keyed hash).'}),
    reason: Flags.string({required: true, description: 'Why the data must be kept.'}),
    until: dayFlag({
      description:
        "Last day of the hold (YYYY-MM-DD): it holds through the end of that day in this machine's time zone.",
    }),
    datamap: Flags.string({description: 'Datamap file to check store/collection against.'}),
  }

  async run() {
    const {flags} = await this.parse(HoldAdd)
    const until = flags.until && endOfDay(flags.until)
    const subject = flags.subject ? parseIdentifier(flags.subject) : undefined
    const hold = await withPrivacy((ctx) =>
      addHold(ctx, loadDatamap(ctx.home, flags.datamap).map, {
        store: flags.store,
        collection: flags.collection,
        subjectHash: subject && subjectHash(ctx.key, subject),
        reason: flags.reason,
        until,
      }),
    )
    this.log(
      `${hold.id}: holding ${hold.store}${hold.collection ? `/${hold.collection}` : ''}${hold.subjectHash ? ' for one subject' : ''} (${hold.reason})${hold.until ? ` through the end of ${flags.until!.toISOString().slice(0, 10)}` : ''}.`,
    )
    return hold
  }
}
