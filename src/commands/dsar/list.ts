import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {withPrivacyIfPresent} from '../../privacy/privacy-context.js'
import {daysLeft, listRequests} from '../../privacy/request-register.js'

export default class DsarList extends BaseCommand {
  static override summary = 'List data-subject requests: open ones first, the most urgent (overdue) at the top.'
  static override description =
    'Read-only: on a machine with no privacy store yet it lists nothing and creates nothing (no key, no database). --json prints {"requests": [request + "daysLeft": number]} (request shape as in dsar show).'
  static override examples = ['<%= config.bin %> dsar list', '<%= config.bin %> dsar list --json']

  async run(): Promise<void> {
    const {flags} = await this.parse(DsarList)
    const requests = (await withPrivacyIfPresent((ctx) => listRequests(ctx.db), [])).map((r) => ({
      ...r,
      daysLeft: daysLeft(r),
    }))
    if (flags.json) return this.printJson({requests})
    if (requests.length === 0) return this.log('no requests.')
    this.log(
      renderTable(
        ['id', 'type', 'status', 'received', 'due', 'days left'],
        requests.map((r) => [
          r.id,
          r.type,
          r.status,
          r.receivedAt.slice(0, 10),
          r.dueAt.slice(0, 10),
          r.status === 'done' ? '-' : r.daysLeft < 0 ? `${r.daysLeft} OVERDUE` : r.daysLeft,
        ]),
      ),
    )
  }
}
