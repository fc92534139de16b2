import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {initFleet} from '../../fleet/fleet-init.js'

export default class FleetInit extends BaseCommand {
  static override summary = 'Make the nodes of this fleet coordinate through Redis (recorded in fleet.yaml).'
  static override description = `Writes a coordination section (the Redis URL and key prefix) to fleet.yaml and creates the fleet signing key (fleet.secret beside fleet.yaml) if there is none. Every node confctl starts (\`node up\`) or provisions (\`node provision\`) from then on registers in that Redis, and join tokens signed with the fleet key are valid on every node. Running nodes pick it up at their next start. Running it again replaces the settings.

Exit 2 for a URL that is not redis:// or rediss:// with a host, or a bad prefix; 3 when Redis does not answer. In both cases fleet.yaml is left as it was.

--json prints: {"file": string, "redis": string (password hidden), "prefix": string|null, "keyFile": string, "registeredNodes": number, "nodesToRestart": string[]}.`

  static override examples = [
    '<%= config.bin %> fleet init --redis redis://127.0.0.1:6379',
    '<%= config.bin %> fleet init --redis rediss://:secret@redis.example.org:6380/2 --redis-prefix campus: --json',
  ]

  static override flags = {
    redis: Flags.string({
      description: 'Redis URL: redis://[:PASSWORD@]HOST[:PORT][/DB] or rediss:// (TLS).',
      required: true,
    }),
    'redis-prefix': Flags.string({
      description: 'Prefix of every Redis key of this fleet, so several fleets can share one Redis (default confctl:).',
    }),
  }

  async run() {
    const {flags} = await this.parse(FleetInit)
    const r = await initFleet({redis: flags.redis, redisPrefix: flags['redis-prefix']})
    this.log(`fleet coordination recorded in ${r.file}: ${r.redis}, prefix ${r.prefix ?? 'confctl: (default)'}.`)
    this.log(`fleet signing key: ${r.keyFile}; ${r.registeredNodes} node(s) registered there already.`)
    if (r.nodesToRestart.length)
      this.log(`restart these nodes to join the fleet: ${r.nodesToRestart.join(', ')} (confctl node up --name NAME).`)
    return r
  }
}
