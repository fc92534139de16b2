// Where confctl keeps its state on this machine. Every file confctl writes lives under
// $CONFCTL_HOME (default $XDG_CONFIG_HOME/confctl, else ~/.config/confctl, DESIGN.md), so
// one variable moves or isolates all of it: tests point it at a temp dir, operators at a
// shared volume.
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {confctlHome} from '../store/home.js'

/** The fleet inventory: $CONFCTL_HOME/fleet.yaml. */
export function inventoryPath(home: string = confctlHome()): string {
  return join(home, 'fleet.yaml')
}

/** The directory of a local node: $CONFCTL_HOME/nodes/<name>/. */
export function nodeDir(name: string, home: string = confctlHome()): string {
  return join(home, 'nodes', name)
}

/** The files inside a node directory. The node itself writes state/token/db/access log;
 *  confctl writes the pidfile and node.log (the node's redirected stdout/stderr). */
export interface NodeFiles {
  state: string
  token: string
  pid: string
  log: string
  db: string
  accessLog: string
}

export function nodeFiles(dir: string): NodeFiles {
  return {
    state: join(dir, 'state.json'),
    token: join(dir, 'admin.token'),
    pid: join(dir, 'node.pid'),
    log: join(dir, 'node.log'),
    db: join(dir, 'node.db'),
    accessLog: join(dir, 'access.log'),
  }
}

/** The compiled SFU node program shipped in this package (dist/src/sfu/main.js). Resolved
 *  from this module's own location so it works from any cwd and from an installed package. */
export function sfuEntryPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'sfu', 'main.js')
}
