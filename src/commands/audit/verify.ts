import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError} from '../../errors.js'
import {verifyAudit} from '../../privacy/audit-log.js'
import {withPrivacyIfPresent} from '../../privacy/privacy-context.js'

export default class AuditVerify extends BaseCommand {
  static override summary = "Check the audit log's hash chain: any edited, removed or reordered entry fails."
  static override description =
    '--json prints {"ok": boolean, "entries": number, "problems": [{"seq": number, "problem": string}]}. Exit 1 when the chain is broken.'
  static override examples = ['<%= config.bin %> audit verify', '<%= config.bin %> audit verify --json']

  async run(): Promise<void> {
    const {flags} = await this.parse(AuditVerify)
    const r = await withPrivacyIfPresent((ctx) => verifyAudit(ctx.db, ctx.key), {entries: 0, problems: []})
    const ok = r.problems.length === 0
    if (flags.json) this.printJson({ok, ...r})
    else {
      for (const p of r.problems) this.log(`entry ${p.seq}: ${p.problem}`)
      this.log(
        ok
          ? `audit log intact: ${r.entries} entries.`
          : `audit log BROKEN: ${r.problems.length} problem(s) in ${r.entries} entries.`,
      )
    }
    // The report above lists the problems; the base class only sets the exit code.
    if (!ok) throw new CheckFailedError('the audit log is broken.', {reported: true})
  }
}
