import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {Anchor} from '../../privacy/audit-anchor.js'
import {takeAuditAnchor} from '../../privacy/audit-check.js'
import {withPrivacy} from '../../privacy/privacy-context.js'

export default class AuditAnchor extends BaseCommand {
  static override summary =
    'Write a signed checkpoint of the audit log to keep elsewhere; audit verify --anchor proves the log still holds it.'
  static override description =
    'Appends an audit.anchored entry and signs its seq, hash and time. Without --out the anchor is printed. --json prints {"out": string|null, "anchor": {"type", "version", "log", "seq", "hash", "at", "publicKey", "signature"}}. Exit 1 when the log is already broken (see audit verify), 2 when --out exists or its directory does not.'
  static override examples = [
    '<%= config.bin %> audit anchor --out /mnt/dpo-share/confctl-anchor-$(date +%F).json',
    '<%= config.bin %> audit anchor | mail -s "confctl audit anchor" dpo@example.org',
  ]
  static override flags = {
    out: Flags.string({description: 'File to write the anchor to (must not exist yet).'}),
  }

  async run(): Promise<{out: string | null; anchor: Anchor}> {
    const {flags} = await this.parse(AuditAnchor)
    const anchor = await withPrivacy((ctx) => takeAuditAnchor(ctx, flags.out))
    if (!flags.out) this.log(JSON.stringify(anchor, null, 2))
    else
      this.log(
        `anchored entry ${anchor.seq} (${anchor.at}) in ${flags.out}; keep a copy away from this machine and check it with 'confctl audit verify --anchor FILE'.`,
      )
    return {out: flags.out ?? null, anchor}
  }
}
