import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {StoreRefusedError, UnreachableError} from '../../errors.js'
import {loadDatamap} from '../../privacy/datamap-load.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {applyRetention} from '../../privacy/retention-apply.js'
import {applyLines} from '../../privacy/retention-render.js'

export default class RetentionApply extends BaseCommand {
  static override summary =
    'Show what retention would erase; with --execute, erase records past retention (holds and restrictions keep theirs).'
  static override description =
    'Without --execute nothing changes. --json prints {"appliedAt","execute","status":"planned"|"done"|"partial"|"failed","order","failed"?:{"store","collection","message","side"},"stores":[{"store","reachable","message"?,"collections":[{"collection","retention","countsFrom","cutoff","strategy","action","records","steps","changed"?,"skipped":[{"reason","hold"?,"records","keys"?}],"unchecked"?,"failed"?}]}]}. Collections run children before parents (foreign keys, datamap references); a due record that a record left in place still references is skipped and reported. Exit 3 when a store could not be reached (run again to finish) or refused a step (the run stops, failed); exit 2 when the datamap names a table or column the store lacks or the collections cannot be ordered.'
  static override examples = [
    '<%= config.bin %> retention apply',
    '<%= config.bin %> retention apply --execute --datamap /etc/confctl/datamap.yaml',
  ]
  static override flags = {
    execute: Flags.boolean({default: false, description: 'Carry the plan out.'}),
    datamap: Flags.string({
      description: 'Datamap file (default: $CONFCTL_HOME/datamap.yaml; local nodes are always added).',
    }),
  }

  async run() {
    const {flags} = await this.parse(RetentionApply)
    const r = await withPrivacy((ctx) => applyRetention(ctx, loadDatamap(ctx.home, flags.datamap).map, flags.execute))
    this.log(applyLines(r).join('\n'))
    if (r.failed)
      throw new StoreRefusedError(
        `${r.failed.store}/${r.failed.collection}: ${r.failed.message}; nothing after it ran.`,
        r.failed.side,
      ).withResult(r)
    // The report above names the stores; the base class only sets the exit code.
    if (r.stores.some((s) => !s.reachable))
      throw new UnreachableError('a store could not be reached.', {reported: true}).withResult(r)
    return r
  }
}
