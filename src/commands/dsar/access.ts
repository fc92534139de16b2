import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {UnreachableError} from '../../errors.js'
import {checkAccessOut, exportAccess} from '../../privacy/access-export.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {withRequestScope} from '../../privacy/request-scope.js'

export default class DsarAccess extends BaseCommand {
  static override summary = 'Export everything found about the subject (Art. 15) to a directory or a .zip.'
  static override description =
    '--json prints {"request", "out", "status": "done"|"partial", "stores": [{"store","reachable","message"?,"records","files"}], "files": [{"path","bytes","sha256"}]}. Exit 3 (after writing what was found) when a store is down; exit 2 for an unknown id, an existing --out or one whose directory does not exist (nothing is created then).'
  static override examples = [
    '<%= config.bin %> dsar access dsr-20260110-3f9a2c --out anna-export.zip',
    '<%= config.bin %> dsar access dsr-20260110-3f9a2c --out ./anna-export --json',
  ]
  static override args = {id: Args.string({required: true, description: 'Request id.'})}
  static override flags = {
    out: Flags.string({required: true, description: 'A new directory, or a file ending in .zip.'}),
    datamap: Flags.string({description: 'Datamap file (default: the one the request was opened with).'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(DsarAccess)
    checkAccessOut(flags.out) // before the store and key are opened (or created): a bad path writes nothing
    const r = await withPrivacy((ctx) =>
      withRequestScope(ctx, args.id, flags.datamap, (scope) => exportAccess(ctx, scope, flags.out)),
    )
    if (flags.json) this.printJson(r)
    else {
      for (const s of r.stores)
        this.log(
          `${s.store}: ${s.reachable ? `${s.records} record(s), ${s.files} file(s)` : `NOT REACHABLE (${s.message})`}`,
        )
      this.log(`wrote ${r.files.length} file(s) to ${r.out} (manifest.json lists their SHA-256).`)
    }
    if (r.status === 'partial') {
      const down = r.stores.filter((s) => !s.reachable).map((s) => s.store)
      throw new UnreachableError(
        `request ${r.request} is partial: ${down.join(', ')} could not be searched; run it again when they are up.`,
      )
    }
  }
}
