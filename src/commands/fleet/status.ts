import {BaseCommand} from '../../cli/base-command.js'
import {renderTable} from '../../cli/text-table.js'
import {fleetStatus} from '../../fleet/fleet-status.js'
import {requireCoordination, withFleetRegistry} from '../../fleet/fleet-registry.js'
import {readInventory} from '../../fleet/inventory.js'
import {inventoryPath} from '../../fleet/paths.js'

export default class FleetStatus extends BaseCommand {
  static override summary = "Every node registered in the fleet's Redis, with state, load, version and rooms."
  static override description = `Lists the nodes registered in the Redis that \`confctl fleet init\` recorded, including nodes other operators started (not in this machine's fleet.yaml; marked "no" under FLEET.YAML), then the nodes of fleet.yaml that are not registered (state "not registered": down, started before \`fleet init\`, or unable to reach Redis).

Exit 0; 2 when fleet.yaml has no coordination section; 3 when Redis cannot be reached (the fleet is degraded: nodes keep serving their own rooms, new rooms are not placed across the fleet).

--json prints: {"redis": string (password hidden), "prefix": string, "time": string, "nodes": [{"id": string|null, "name": string, "state": "up"|"draining"|"not registered", "inFleetYaml": boolean, "publicUrl": string|null, "version": string|null, "heartbeatAgeMs": number|null, "load": {"cpuPercent", "rooms", "participants", "packetsPerSecond"}|null, "rooms": string[]}]}.`

  static override examples = ['<%= config.bin %> fleet status', '<%= config.bin %> fleet status --json']

  async run() {
    await this.parse(FleetStatus)
    const file = inventoryPath()
    const inv = await readInventory(file)
    const status = await withFleetRegistry(requireCoordination(inv, file), (r) => fleetStatus(r, inv))
    this.log(`fleet in ${status.redis} (prefix ${status.prefix}): ${status.nodes.length} node(s)`)
    if (status.nodes.length === 0) return status
    this.log(
      renderTable(
        ['name', 'state', 'fleet.yaml', 'cpu', 'rooms', 'participants', 'pkt/s', 'version', 'public url', 'room names'],
        status.nodes.map((n) => [
          n.name,
          n.state,
          n.inFleetYaml ? 'yes' : 'no',
          n.load ? `${n.load.cpuPercent.toFixed(0)}%` : null,
          n.load?.rooms,
          n.load?.participants,
          n.load ? Math.round(n.load.packetsPerSecond) : null,
          n.version,
          n.publicUrl,
          n.rooms.join(','),
        ]),
      ),
    )
    return status
  }
}
