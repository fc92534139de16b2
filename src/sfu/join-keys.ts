// The HMAC keys a node accepts join tokens from, read from its directory at start:
//   join.secret           the node's own key: signs every token the admin API issues
//   join.secret.previous  optional, verify only: the key before a rotation, kept until the
//                         tokens it signed have expired (at most 7 days), then deleted
//   fleet.secret          optional: a key shared by the fleet; tokens it signs carry aud/iss
//                         "confctl-fleet" and are valid on every node that has it. A node in a
//                         coordinated fleet (--redis) also signs its issued tokens and its relay
//                         tokens (relay-token.ts) with it
//   fleet.secret.previous optional, verify only: the fleet key before `confctl fleet rotate-key`,
//   fleet.secret.previous-until  accepted until the ISO 8601 time in this file (the overlap
//                         window; without the file, as long as the key file exists)
// A node re-reads these files once a second while it runs, so a rotation needs no restart.
// Each key's id (kid) is derived from the key itself, so no extra file can drift out of step:
// the token header names the kid and the verifier picks exactly that key.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import type {JoinKey} from './join-token.js'
import {ConfigError} from './node-config.js'

/** HS256 keys shorter than the hash (RFC 7518 §3.2) are refused. */
const MIN_KEY_BYTES = 32

export interface JoinKeySet {
  /** Signs what this node issues. */
  signing: JoinKey
  /** Every key a token may name (signing key included). */
  all: JoinKey[]
  /** The current fleet key (fleet.secret), if the node has one. */
  fleet?: JoinKey
}

export function kidOf(secret: Uint8Array, scope: JoinKey['scope']): string {
  return `${scope === 'fleet' ? 'f' : 'n'}-${createHash('sha256').update(secret).digest('hex').slice(0, 16)}`
}

export function joinKey(secret: Uint8Array, scope: JoinKey['scope']): JoinKey {
  return {kid: kidOf(secret, scope), secret, scope}
}

function readKeyFile(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined
  const text = readFileSync(path, 'utf8').trim()
  if (!/^([0-9a-fA-F]{2})+$/.test(text) || text.length / 2 < MIN_KEY_BYTES) {
    throw new ConfigError(`${path} must hold a key of at least ${MIN_KEY_BYTES} bytes written as hex digits`)
  }
  return Buffer.from(text, 'hex')
}

/** The end of the previous fleet key's overlap window (epoch ms), or Infinity without one. */
function previousFleetUntil(dir: string): number {
  const path = join(dir, 'fleet.secret.previous-until')
  if (!existsSync(path)) return Infinity
  const at = Date.parse(readFileSync(path, 'utf8').trim())
  if (Number.isNaN(at)) throw new ConfigError(`${path} must hold an ISO 8601 time`)
  return at
}

/** `current` is join.secret as node-secrets.ts loaded (or created) it. */
export function loadJoinKeys(dir: string, current: Uint8Array, now = Date.now()): JoinKeySet {
  const signing = joinKey(current, 'node')
  const all = [signing]
  const previous = readKeyFile(join(dir, 'join.secret.previous'))
  if (previous) all.push(joinKey(previous, 'node'))
  const fleetSecret = readKeyFile(join(dir, 'fleet.secret'))
  const fleet = fleetSecret ? joinKey(fleetSecret, 'fleet') : undefined
  if (fleet) all.push(fleet)
  const previousFleet = readKeyFile(join(dir, 'fleet.secret.previous'))
  if (previousFleet && now < previousFleetUntil(dir)) all.push(joinKey(previousFleet, 'fleet'))
  return {signing, all, ...(fleet ? {fleet} : {})}
}
