import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {listHolds} from '../../privacy/holds.js'
import {withPrivacyIfPresent} from '../../privacy/privacy-context.js'
import {formatLocalDay} from '../../units.js'

export default class HoldList extends BaseCommand {
  static override summary = 'List legal holds in force (--all: also released and expired ones).'
  static override description = '--json prints {"holds": [hold]} (hold shape as in hold add).'
  static override examples = ['<%= config.bin %> hold list', '<%= config.bin %> hold list --all --json']
  static override flags = {all: Flags.boolean({default: false, description: 'Include released and expired holds.'})}

  async run() {
    const {flags} = await this.parse(HoldList)
    const holds = await withPrivacyIfPresent((ctx) => listHolds(ctx.db, flags.all), [])
    if (holds.length === 0) this.log('no holds.')
    else
      this.log(
        renderTable(
          ['id', 'store', 'collection', 'subject', 'reason', 'until', 'released'],
          holds.map((h) => [
            h.id,
            h.store,
            h.collection,
            h.subjectHash?.slice(0, 12),
            h.reason,
            h.until && formatLocalDay(new Date(h.until)), // the last day held, as hold add was given it
            h.releasedAt?.slice(0, 10),
          ]),
        ),
      )
    return {holds}
  }
}
