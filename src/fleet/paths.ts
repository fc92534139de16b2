// Where confctl keeps its state on this machine. Every file confctl writes lives under
// $CONFCTL_HOME (default $XDG_CONFIG_HOME/confctl, else ~/.config/confctl, DESIGN.md), so
// one variable moves or isolates all of it: tests point it at a temp dir, operators at a
// shared volume.
import {homedir} from 'node:os'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** $CONFCTL_HOME resolved to an absolute path (a relative value is taken from the cwd);
 *  without it $XDG_CONFIG_HOME/confctl, else ~/.config/confctl. The XDG base-directory spec
 *  says a relative $XDG_CONFIG_HOME is invalid and must be ignored, so it is. */
export function confctlHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CONFCTL_HOME?.trim()
  if (fromEnv) return resolve(fromEnv)
  const xdg = env.XDG_CONFIG_HOME?.trim()
  if (xdg && isAbsolute(xdg)) return join(xdg, 'confctl')
  return join(homedir(), '.config', 'confctl')
}

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
