// The fleet signing key: one HMAC key shared by every node of the fleet, so that a join token
// signed with it is valid on any node (a room may be placed on any of them) and nodes can
// authenticate the signalling they relay to each other. confctl keeps the key in
// $CONFCTL_HOME/fleet.secret (0600) and copies it into each node's directory as fleet.secret,
// the file the node reads at start. A rotation keeps the key before it as
// fleet.secret.previous for an overlap window (tokens signed before the rotation stay valid
// until they expire), after which confctl deletes it.
import {randomBytes} from 'node:crypto'
import {readFile, rm, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {BadInputError} from '../errors.js'
import {writeFileAtomic} from './atomic-write.js'
import {withFileLock} from './file-lock.js'
import {confctlHome} from '../store/home.js'

export const FLEET_KEY_FILE = 'fleet.secret'
export const PREVIOUS_FLEET_KEY_FILE = 'fleet.secret.previous'
/** Join tokens live at most 7 days (the node refuses longer ones): after that no token signed
 *  with the previous key can still be valid, so the overlap need not be longer. */
export const DEFAULT_OVERLAP_MS = 7 * 86_400_000
const KEY_BYTES = 32

export interface FleetKeys {
  current: string // hex
  /** The key before the last rotation, while its overlap window lasts. */
  previous?: string
}

export function fleetKeyPaths(home: string = confctlHome()): {current: string; previous: string; lock: string} {
  return {
    current: join(home, FLEET_KEY_FILE),
    previous: join(home, PREVIOUS_FLEET_KEY_FILE),
    lock: join(home, `${FLEET_KEY_FILE}.lock`),
  }
}

const newKey = () => randomBytes(KEY_BYTES).toString('hex')

async function readKey(file: string): Promise<string | undefined> {
  let text: string
  try {
    text = (await readFile(file, 'utf8')).trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}.`)
  }
  if (!/^([0-9a-fA-F]{2})+$/.test(text) || text.length / 2 < KEY_BYTES)
    throw new BadInputError(`${file} must hold a key of at least ${KEY_BYTES} bytes written as hex digits.`)
  return text.toLowerCase()
}

/** The fleet's keys, the current one created on first use; a previous key past its overlap
 *  window (measured from the rotation, the previous file's mtime) is deleted here. */
export async function fleetKeys(opts: {home?: string; overlapMs?: number; now?: number} = {}): Promise<FleetKeys> {
  const paths = fleetKeyPaths(opts.home)
  return withFileLock(paths.lock, async () => {
    let current = await readKey(paths.current)
    if (!current) {
      current = newKey()
      await writeFileAtomic(paths.current, current + '\n', 0o600)
    }
    return {current, previous: await livePrevious(paths.previous, opts.overlapMs, opts.now)}
  })
}

async function livePrevious(
  file: string,
  overlapMs = DEFAULT_OVERLAP_MS,
  now = Date.now(),
): Promise<string | undefined> {
  const previous = await readKey(file)
  if (!previous) return undefined
  if (now - (await stat(file)).mtimeMs <= overlapMs) return previous
  await rm(file, {force: true})
  return undefined
}

/** Writes a new current key and keeps the one it replaces as the previous key. */
export async function rotateFleetKey(opts: {home?: string} = {}): Promise<FleetKeys & {replaced: boolean}> {
  const paths = fleetKeyPaths(opts.home)
  return withFileLock(paths.lock, async () => {
    const old = await readKey(paths.current)
    const current = newKey()
    // Previous first: a crash between the two writes leaves the old key in both files, never none.
    if (old) await writeFileAtomic(paths.previous, old + '\n', 0o600)
    await writeFileAtomic(paths.current, current + '\n', 0o600)
    return {current, previous: old, replaced: old !== undefined}
  })
}

/** The files a node directory gets: fleet.secret, and fleet.secret.previous only while there
 *  is one (an absent previous removes a stale copy). */
export async function installFleetKeys(nodeDir: string, keys: FleetKeys): Promise<void> {
  await writeFileAtomic(join(nodeDir, FLEET_KEY_FILE), keys.current + '\n', 0o600)
  const previous = join(nodeDir, PREVIOUS_FLEET_KEY_FILE)
  if (keys.previous) await writeFileAtomic(previous, keys.previous + '\n', 0o600)
  else await rm(previous, {force: true})
}
