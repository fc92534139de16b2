import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {listRequestsWithDeadlines, type ListedRequest} from '../../privacy/request-list.js'

export default class DsarList extends BaseCommand {
  static override summary = 'List data-subject requests: open ones first, the most urgent (overdue) at the top.'
  static override description =
    'Read-only: on a machine with no privacy store yet it lists nothing and creates nothing (no key, no database). --json prints {"requests": [request + "daysLeft": number]} (request shape as in dsar show).'
  static override examples = ['<%= config.bin %> dsar list', '<%= config.bin %> dsar list --json']

  async run(): Promise<{requests: ListedRequest[]}> {
    await this.parse(DsarList)
    const requests = await listRequestsWithDeadlines()
    if (requests.length === 0) this.log('no requests.')
    else this.render(requests)
    return {requests}
  }

  private render(requests: ListedRequest[]): void {
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
