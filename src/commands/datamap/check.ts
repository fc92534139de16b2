import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import type {DatamapCheckReport} from '../../privacy/datamap-check-types.js'
import {checkDatamap, checkOutcome} from '../../privacy/datamap-check.js'
import {datamapCheckLines} from '../../privacy/datamap-check-render.js'
import {loadDatamap} from '../../privacy/datamap-load.js'
import {confctlHome} from '../../store/home.js'

export default class DatamapCheck extends BaseCommand {
  static override summary =
    'Check every table, column, key pattern, path and reference of the datamap against the stores.'
  static override description =
    'Connects to every store. Errors: a table, column, key column, directory or Redis value type that does not match; a column retention counts from that is not listed; on PostgreSQL, a reference between columns of different kinds (uuid, number, text). Warnings: an identifying or reference column without an index (with the CREATE INDEX that would serve it), a pattern or path that matches nothing yet. --json prints {"ok","sources","stores":[{"store","kind","reachable","message"?,"checked":[collection],"lookups":[{"collection","field","mode","index"?}]}],"findings":[{"level":"error"|"warning","at":"file:line","key","message","fix"?}]}. Exit 1 when the datamap does not match a store, 2 when it does not parse, 3 when a store could not be reached.'
  static override examples = [
    '<%= config.bin %> datamap check',
    '<%= config.bin %> datamap check --datamap /etc/confctl/greenlight.yaml --json',
  ]
  static override flags = {
    datamap: Flags.string({
      description: 'Datamap file (default: $CONFCTL_HOME/datamap.yaml; local nodes are always added).',
    }),
  }

  async run(): Promise<DatamapCheckReport> {
    const {flags} = await this.parse(DatamapCheck)
    const {map} = loadDatamap(confctlHome(), flags.datamap)
    const r = await checkDatamap(map)
    this.log(datamapCheckLines(r).join('\n'))
    // The report above says what failed; the base class only sets the exit code.
    const outcome = checkOutcome(r)
    if (outcome) throw outcome.withResult(r)
    return r
  }
}
