import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {loadDatamap} from '../../privacy/datamap-load.js'
import {withPrivacy} from '../../privacy/privacy-context.js'
import {checkOutcome, checkRetention} from '../../privacy/retention-check.js'
import {checkLines} from '../../privacy/retention-render.js'

export default class RetentionCheck extends BaseCommand {
  static override summary = 'Check every collection of the datamap for records kept longer than its retention period.'
  static override description =
    '--json prints {"checkedAt","passed","stores":[{"store","reachable","message"?,"collections":[{"collection","retention","countsFrom","cutoff","overdue","strategy","older","anonymised","kept"?:[{"reason","hold"?,"records"}],"unchecked"?}]}]}. Exit 1 when records are past retention (not counting what a `keep` law, a hold or a restriction keeps), 3 when a store could not be reached.'
  static override examples = ['<%= config.bin %> retention check', '<%= config.bin %> retention check --json']
  static override flags = {
    datamap: Flags.string({
      description: 'Datamap file (default: $CONFCTL_HOME/datamap.yaml; local nodes are always added).',
    }),
  }

  async run() {
    const {flags} = await this.parse(RetentionCheck)
    const r = await withPrivacy((ctx) => checkRetention(ctx, loadDatamap(ctx.home, flags.datamap).map))
    this.log(checkLines(r).join('\n'))
    // The report above says what failed; the base class only sets the exit code.
    const outcome = checkOutcome(r)
    if (outcome) throw outcome.withResult(r)
    return r
  }
}
