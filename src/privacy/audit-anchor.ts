// Anchors: a signed checkpoint of the audit log (seq, hash, time) that the operator keeps away
// from this machine (a ticket, an e-mail to the DPO, another server). Whoever rewrites the
// store can cut the log back to a consistent earlier state and delete the local witness; they
// cannot reach the copies of an anchor, and `audit verify --anchor FILE` proves the log still
// holds the anchored entry.
//
// Signed with Ed25519, the key derived from the privacy key: an HMAC would do to tell a forged
// file from ours, but anyone checking it would need the privacy key itself, while the public
// key in the anchor (printed by `audit anchor`, stable for a privacy key) lets a DPO or auditor
// check who made a checkpoint without being able to make one.
import {createPrivateKey, createPublicKey, sign, verify, type KeyObject} from 'node:crypto'
import {readFileSync} from 'node:fs'
import type {StoreDb} from '../store/store-db.js'
import {BadInputError} from '../errors.js'
import {appendAudit, missingFromLog, type AuditContext, type AuditProblem} from './audit-log.js'
import type {SecretKey} from './secret-key.js'

const TYPE = 'confctl-audit-anchor'

export interface Anchor {
  type: typeof TYPE
  version: 1
  /** Where the log was (store location), for people; the check does not depend on it. */
  log: string
  seq: number
  hash: string
  at: string
  /** Ed25519 public key, raw 32 bytes, base64. */
  publicKey: string
  signature: string
}

// PKCS#8 DER header of an Ed25519 private key (RFC 8410): the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

function signingKey(key: SecretKey): {privateKey: KeyObject; publicKey: KeyObject; publicRaw: string} {
  const seed = Buffer.from(key.mac('audit-anchor', 'ed25519 seed'), 'hex')
  const privateKey = createPrivateKey({key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8'})
  const publicKey = createPublicKey(privateKey)
  const jwk = publicKey.export({format: 'jwk'})
  return {privateKey, publicKey, publicRaw: Buffer.from(jwk.x!, 'base64url').toString('base64')}
}

const signed = (a: Pick<Anchor, 'log' | 'seq' | 'hash' | 'at'>) =>
  Buffer.from(JSON.stringify([TYPE, 1, a.log, a.seq, a.hash, a.at]), 'utf8')

/** Appends an `audit.anchored` entry and returns the anchor of that entry (so an anchor always
 *  exists to take, even of an empty log, and the log itself shows when anchors were taken). */
export async function takeAnchor(ctx: AuditContext, details: Record<string, unknown> = {}): Promise<Anchor> {
  const {seq, hash, at} = await ctx.db.tx(async (t) => {
    const seq = await appendAudit(t, ctx.key, ctx.actor, {event: 'audit.anchored', details})
    const row = (await t.all<{hash: string; at: string}>('SELECT hash, at FROM audit_log WHERE seq = ?', [seq]))[0]!
    return {seq, hash: row.hash, at: row.at}
  })
  const {privateKey, publicRaw} = signingKey(ctx.key)
  const body = {log: ctx.db.location, seq, hash, at}
  return {
    type: TYPE,
    version: 1,
    ...body,
    publicKey: publicRaw,
    signature: sign(null, signed(body), privateKey).toString('base64'),
  }
}

/** Reads an anchor file; bad input (exit 2) naming the file when it cannot be read or is not an
 *  anchor. Needs no key, so a bad file is refused before confctl's store is opened. */
export function readAnchorFile(file: string): Anchor {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new BadInputError(
      `--anchor ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    )
  }
  let a: Partial<Anchor>
  try {
    a = JSON.parse(text) as Partial<Anchor>
  } catch {
    throw new BadInputError(`--anchor ${file} is not an audit anchor (not JSON).`)
  }
  const wellFormed =
    a !== null &&
    typeof a === 'object' &&
    a.type === TYPE &&
    a.version === 1 &&
    typeof a.log === 'string' &&
    Number.isSafeInteger(a.seq) &&
    a.seq! >= 1 &&
    typeof a.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(a.hash) &&
    typeof a.at === 'string' &&
    !Number.isNaN(Date.parse(a.at)) &&
    typeof a.signature === 'string'
  if (!wellFormed)
    throw new BadInputError(
      `--anchor ${file} is not an audit anchor (it needs type "${TYPE}", version 1, log, seq, hash, at and signature as 'confctl audit anchor' writes them).`,
    )
  return a as Anchor
}

/** Bad input (exit 2) when the anchor was not signed with this privacy key's anchor key. */
export function checkAnchorSignature(anchor: Anchor, file: string, key: SecretKey): void {
  const {publicKey} = signingKey(key)
  if (!verify(null, signed(anchor), publicKey, Buffer.from(anchor.signature, 'base64')))
    throw new BadInputError(
      `--anchor ${file}: its signature does not match this privacy key's anchor key: the file was altered, or it was made with another privacy key.`,
    )
}

/** The problem when the log no longer holds the anchored entry, else none. */
export async function checkAnchor(db: StoreDb, anchor: Anchor, file: string): Promise<AuditProblem[]> {
  const missing = await missingFromLog(
    db,
    anchor,
    `the anchor ${file} (taken ${anchor.at}) records entry ${anchor.seq}`,
  )
  return missing ? [{seq: anchor.seq, problem: missing}] : []
}
