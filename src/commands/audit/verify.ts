import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError} from '../../errors.js'
import {checkAuditLog, readAnchorFiles, type AuditCheck} from '../../privacy/audit-check.js'
import {witnessExists} from '../../privacy/audit-witness.js'
import {withPrivacy, withPrivacyIfPresent, type PrivacyContext} from '../../privacy/privacy-context.js'

export default class AuditVerify extends BaseCommand {
  static override summary =
    "Check the audit log: its hash chain and sealed head, this machine's witness and any anchors; an edited, removed, reordered or cut-off entry fails."
  static override description =
    '--json prints {"ok": boolean, "entries": number, "problems": [{"seq": number, "problem": string}], "anchors": [{"file": string, "seq": number, "contained": boolean}]}. Exit 1 when the log is broken or lacks an anchored entry, 2 for an anchor file that cannot be read, is malformed or was not signed with this privacy key.'
  static override examples = [
    '<%= config.bin %> audit verify',
    '<%= config.bin %> audit verify --anchor /mnt/dpo-share/confctl-anchor-2026-11-30.json --json',
  ]
  static override flags = {
    anchor: Flags.string({
      multiple: true,
      description: "An anchor file written by 'confctl audit anchor'; the log must still hold its entry. Repeatable.",
    }),
  }

  async run(): Promise<AuditCheck & {ok: boolean}> {
    const {flags} = await this.parse(AuditVerify)
    const anchors = readAnchorFiles(flags.anchor ?? [])
    const check = (ctx: PrivacyContext) => checkAuditLog(ctx, anchors)
    // With an anchor or a witness to check, a missing store is itself the finding (the log was
    // deleted), so it is opened (created empty) rather than reported as "nothing yet".
    const r: AuditCheck =
      anchors.length || witnessExists()
        ? await withPrivacy(check)
        : await withPrivacyIfPresent(check, {entries: 0, problems: [], anchors: []})
    const ok = r.problems.length === 0
    for (const p of r.problems) this.log(`entry ${p.seq}: ${p.problem}`)
    for (const a of r.anchors.filter((x) => x.contained))
      this.log(`the log contains the anchor ${a.file} (entry ${a.seq}).`)
    this.log(
      ok
        ? `audit log intact: ${r.entries} entries.`
        : `audit log BROKEN: ${r.problems.length} problem(s) in ${r.entries} entries.`,
    )
    const result = {ok, ...r}
    // The report above lists the problems; the base class only sets the exit code.
    if (!ok) throw new CheckFailedError('the audit log is broken.', {reported: true}).withResult(result)
    return result
  }
}
