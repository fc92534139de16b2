// The node's two secrets, generated at first start and kept in its directory with mode 0600:
// admin.token (bearer token of the admin API) and join.secret (HMAC key of join tokens).
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

function readOrCreate(path: string, make: () => string): string {
  if (existsSync(path)) {
    chmodSync(path, 0o600) // repair a mode someone loosened
    return readFileSync(path, 'utf8').trim()
  }
  const value = make()
  writeFileSync(path, value + '\n', {mode: 0o600, flag: 'wx'})
  return value
}

export interface NodeSecrets {
  adminToken: string
  joinSecret: Buffer
}

export function loadNodeSecrets(dir: string): NodeSecrets {
  const adminToken = readOrCreate(join(dir, 'admin.token'), () => randomBytes(32).toString('base64url'))
  const joinSecret = readOrCreate(join(dir, 'join.secret'), () => randomBytes(32).toString('hex'))
  return {adminToken, joinSecret: Buffer.from(joinSecret, 'hex')}
}

export function loadOrCreateNodeId(dir: string): string {
  return readOrCreate(join(dir, 'node.id'), () => `node-${randomBytes(6).toString('hex')}`)
}
