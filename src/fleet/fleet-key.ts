// The fleet signing key in a node directory (docs/fleet.md "Fleet key"): fleet.secret signs
// join tokens valid on every node and the tokens nodes relay requests with. `node up` /
// `node provision` install it; `confctl fleet rotate-key` replaces it and keeps the old one as
// fleet.secret.previous, accepted until the time in fleet.secret.previous-until (the overlap
// window), so tokens signed before the rotation keep working until they expire. The node
// re-reads these files once a second (src/sfu/join-keys.ts): no restart is needed.
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {BadInputError} from '../errors.js'
import {writeFileAtomic} from './atomic-write.js'

export const FLEET_KEY_FILE = 'fleet.secret'
export const PREVIOUS_KEY_FILE = 'fleet.secret.previous'
export const PREVIOUS_UNTIL_FILE = 'fleet.secret.previous-until'
/** How long the key before a rotation stays valid by default: tokens confctl issues live 1 h by default. */
export const DEFAULT_ROTATION_OVERLAP_MS = 24 * 3600 * 1000
const KEY_HEX = /^([0-9a-f]{2}){32,}$/

/** A new random key: 32 bytes as hex, the form the node reads. */
export function newFleetKey(): string {
  return randomBytes(32).toString('hex')
}

function checkKey(key: string): string {
  const k = key.trim().toLowerCase()
  if (!KEY_HEX.test(k)) throw new BadInputError('a fleet key must be at least 32 bytes written as hex digits')
  return k
}

/** The node directory's current fleet key, or undefined. */
export async function readFleetKey(dir: string): Promise<string | undefined> {
  const path = join(dir, FLEET_KEY_FILE)
  if (!existsSync(path)) return undefined
  return (await readFile(path, 'utf8')).trim()
}

/**
 * Makes `key` the directory's fleet key. Nothing changes when it already is; a different key
 * already there is rotated out (kept for `overlapMs`), so tokens it signed keep working.
 */
export async function installFleetKey(
  dir: string,
  key: string,
  overlapMs = DEFAULT_ROTATION_OVERLAP_MS,
  now = Date.now(),
): Promise<'written' | 'unchanged' | 'rotated'> {
  const k = checkKey(key)
  const current = await readFleetKey(dir)
  if (current === k) return 'unchanged'
  if (current) {
    await rotateFleetKey(dir, k, overlapMs, now)
    return 'rotated'
  }
  await writeFileAtomic(join(dir, FLEET_KEY_FILE), k + '\n', 0o600)
  return 'written'
}

/**
 * Replaces the fleet key with `newKey`; the current one becomes the previous key, accepted
 * until now + overlapMs (0: not at all). Written in an order that never leaves the node
 * without a key: previous and its deadline first, then the new current key.
 */
export async function rotateFleetKey(
  dir: string,
  newKey: string,
  overlapMs = DEFAULT_ROTATION_OVERLAP_MS,
  now = Date.now(),
): Promise<{previousUntil?: Date}> {
  const k = checkKey(newKey)
  const current = await readFleetKey(dir)
  if (current && overlapMs > 0) {
    const until = new Date(now + overlapMs)
    await writeFileAtomic(join(dir, PREVIOUS_UNTIL_FILE), until.toISOString() + '\n', 0o600)
    await writeFileAtomic(join(dir, PREVIOUS_KEY_FILE), current + '\n', 0o600)
    await writeFileAtomic(join(dir, FLEET_KEY_FILE), k + '\n', 0o600)
    return {previousUntil: until}
  }
  await rm(join(dir, PREVIOUS_KEY_FILE), {force: true})
  await rm(join(dir, PREVIOUS_UNTIL_FILE), {force: true})
  await writeFileAtomic(join(dir, FLEET_KEY_FILE), k + '\n', 0o600)
  return {}
}
