// Where confctl keeps its state on this machine: $CONFCTL_HOME (default
// $XDG_CONFIG_HOME/confctl, else ~/.config/confctl, DESIGN.md). Every file confctl writes lives
// under it, so one variable moves or isolates all of it: tests point it at a temp dir,
// operators at a shared volume. It lives in store/ because both fleet/ (fleet.yaml, node
// directories) and privacy/ (its store and key) keep their files there, and privacy/ may not
// import fleet/.
import {homedir} from 'node:os'
import {isAbsolute, join, resolve} from 'node:path'

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
