import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {CheckFailedError, UnreachableError} from '../../errors.js'
import {checkAccessOut, exportAccess, type AccessResult} from '../../privacy/access-export.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarAccess extends BaseCommand {
  static override summary = 'Export everything found about the subject (Art. 15) to a directory or a .zip.'
  static override description =
    '--json prints {"request", "out", "status": "done"|"partial", "stores": [{"store","reachable","message"?,"records","files","unsearchable":[{"collection","path","reason"}]}], "files": [{"path","bytes","sha256"}]}. Exit 3 (after writing what was found) when a store is down; exit 1 (after writing it, listed in summary.txt) when something the datamap covers could not be searched (an unreadable file or directory, a corrupt or unsupported compressed log); exit 2 for an unknown id, an existing --out or one whose directory does not exist (nothing is created then).'
  static override examples = [
    '<%= config.bin %> dsar access dsr-20260110-3f9a2c --out anna-export.zip',
    '<%= config.bin %> dsar access dsr-20260110-3f9a2c --out ./anna-export --json',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id.'})}
  static override flags = {
    out: Flags.string({required: true, description: 'A new directory, or a file ending in .zip.'}),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run(): Promise<AccessResult> {
    const {args, flags} = await this.parse(DsarAccess)
    checkAccessOut(flags.out) // before the store and key are opened (or created): a bad path writes nothing
    const r = await withPrivacy((ctx) =>
      withRequestScope(ctx, args.id, flags.datamap, (scope) => exportAccess(ctx, scope, flags.out)),
    )
    for (const s of r.stores)
      this.log(
        `${s.store}: ${s.reachable ? `${s.records} record(s), ${s.files} file(s)` : `NOT REACHABLE (${s.message})`}`,
      )
    for (const s of r.stores)
      for (const u of s.unsearchable) this.log(`${s.store}/${u.collection}: NOT SEARCHED ${u.path} ${u.reason}`)
    this.log(`wrote ${r.files.length} file(s) to ${r.out} (manifest.json lists their SHA-256).`)
    const down = r.stores.filter((s) => !s.reachable).map((s) => s.store)
    if (down.length)
      throw new UnreachableError(
        `request ${r.request} is partial: ${down.join(', ')} could not be searched; run it again when they are up.`,
      ).withResult(r)
    const unread = r.stores.reduce((n, s) => n + s.unsearchable.length, 0)
    if (unread)
      throw new CheckFailedError(
        `request ${r.request} is partial: ${unread} item(s) the datamap covers could not be searched (listed in summary.txt with the reason); fix them and run it again.`,
      ).withResult(r)
    return r
  }
}
