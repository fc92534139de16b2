import {BaseCommand} from '../../cli/base-command.js'
import {defaultNode} from '../../fleet/default-node.js'
import {readInventory} from '../../fleet/inventory.js'
import {probeNodes} from '../../fleet/node-probe.js'
import {inventoryPath} from '../../fleet/paths.js'
import {renderTable} from '../../cli/text-table.js'

export default class NodeList extends BaseCommand {
  static override summary = 'List the nodes in fleet.yaml with their state: up, down or unreachable.'
  static override description = `The default node (\`confctl node use\` or $CONFCTL_NODE), which commands use when --node is left out, is marked with a * in the DEFAULT column. "down" means no process runs the node (for an ssh node: its host answers, but nothing listens on the node's admin port there); "unreachable" means it runs, or its host does not answer, but its admin API cannot be asked. An ssh node's admin URL is the one on its host, reached through SSH. For a node that is not up, the URLs are the last ones it reported (with port 0 they change at each start). Exit 0 whatever the states are.

--json prints: {"nodes": [{"name": string, "kind": "local"|"ssh", "state": "up"|"down"|"unreachable", "health": "ok"|"draining"|null, "pid": number|null, "publicUrl": string|null, "adminUrl": string|null (an ssh node's as seen on its host), "host": string|null (an ssh node's SSH host), "problem": string|null, "default": boolean}]}.`

  static override examples = ['<%= config.bin %> node list', '<%= config.bin %> node list --json']

  async run() {
    await this.parse(NodeList)
    const inv = await readInventory()
    const chosen = defaultNode()?.name
    const nodes = (await probeNodes(inv.nodes)).map((n) => ({...n, default: n.name === chosen}))
    if (nodes.length === 0) {
      this.log(`no nodes in ${inventoryPath()}; start one with \`confctl node up\`.`)
      return {nodes}
    }
    this.log(
      renderTable(
        ['name', 'kind', 'state', 'default', 'pid', 'public url', 'admin url'],
        nodes.map((n) => [
          n.name,
          n.kind,
          n.health === 'draining' ? 'up (draining)' : n.state,
          n.default ? '*' : ' ',
          n.pid,
          n.publicUrl,
          n.kind === 'ssh' && n.adminUrl ? `${new URL(n.adminUrl).host} on ${n.host} via SSH` : n.adminUrl,
        ]),
      ),
    )
    for (const n of nodes.filter((x) => x.state === 'unreachable')) this.logToStderr(`${n.name}: ${n.problem}`)
    return {nodes}
  }
}
