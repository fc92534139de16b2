import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {dayFlag} from '../../cli/flags.js'
import {assertDatamapMatches} from '../../privacy/datamap-check.js'
import {loadDatamap} from '../../privacy/datamap-load.js'
import {requestLines} from '../../privacy/dsar-render.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {openRequest, REQUEST_TYPES, type DsarRequest, type RequestType} from '../../privacy/request-register.js'
import {parseIdentifier} from '../../privacy/subject.js'

export default class DsarOpen extends BaseCommand {
  static override summary = 'Record a data-subject request (due in one month, Art. 12(3)).'
  static override description =
    '--json prints the request: {"id", "type", "status", "receivedAt", "dueAt", "extendedReason", "note", "datamap", "updatedAt", "subjects": [{"type", "hash"}], "stores": []}. Exit 2 on a bad subject or datamap (one that does not parse, or names a table, column or directory a reachable store does not have), or a --received day that is not a date or is after today.'
  static override examples = [
    '<%= config.bin %> dsar open --type erasure --subject email=a@b.de --subject ip=203.0.113.7',
    '<%= config.bin %> dsar open --type access --subject email=a@b.de --received 2026-11-24 --note "letter"',
  ]
  static override flags = {
    type: Flags.string({required: true, options: [...REQUEST_TYPES], description: 'What the subject asks for.'}),
    subject: Flags.string({
      required: true,
      multiple: true,
      description: 'An identifier of the subject, TYPE=VALUE (email, user_id, display_name, ip, phone); repeatable.',
    }),
    note: Flags.string({description: 'A note for the register (avoid personal data beyond what is needed).'}),
    received: dayFlag({
      description:
        'Day the request arrived (YYYY-MM-DD; default now), when it is entered later: the deadline counts from it.',
    }),
    datamap: Flags.string({
      description: 'Datamap file (default $CONFCTL_HOME/datamap.yaml); the request keeps using it.',
    }),
  }

  async run(): Promise<DsarRequest> {
    const {flags} = await this.parse(DsarOpen)
    const subjects = flags.subject.map(parseIdentifier)
    const req = await withPrivacy(async (ctx) => {
      // A bad datamap is refused now, not at erasure time: it must parse, and the tables,
      // columns and directories it names must exist in the stores that can be reached.
      const {map, file} = loadDatamap(ctx.home, flags.datamap)
      for (const s of await assertDatamapMatches(map))
        process.stderr.write(`confctl: warning: ${s.message ?? s.store} Its part of the datamap was not checked.
`)
      return openRequest(ctx, {
        type: flags.type as RequestType,
        subjects,
        note: flags.note,
        datamap: file,
        receivedDay: flags.received,
      })
    })
    this.log(requestLines(req).join('\n'))
    return req
  }
}
