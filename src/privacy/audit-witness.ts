// The witness: the highest audit head this machine has seen, kept outside confctl's store
// ($CONFCTL_HOME/audit-witness.json, one entry per store location). Whoever can write the store
// but not the key can still empty the log, or cut it back and put back a head row they copied
// earlier: both are consistent chains. The witness remembers that a later entry existed, so
// `audit verify` fails on them. Each entry is sealed with the privacy key (editing it is
// noticed); deleting the file is not, which is what anchors kept elsewhere are for.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import {confctlHome} from '../store/home.js'
import type {StoreDb} from '../store/store-db.js'
import {missingFromLog, readHead, type AuditContext, type AuditProblem} from './audit-log.js'
import type {SecretKey} from './secret-key.js'

export const WITNESS_FILE = 'audit-witness.json'

interface Witnessed {
  seq: number
  hash: string
  at: string
  mac: string
}

type WitnessFile = {version: 1; logs: Record<string, Witnessed>}

type ReadResult = {ok: true; file: WitnessFile} | {ok: false; reason: string}

function witnessMac(key: SecretKey, location: string, w: Omit<Witnessed, 'mac'>): string {
  return key.mac('audit-witness', JSON.stringify([location, w.seq, w.hash, w.at]))
}

function readWitnessFile(path: string): ReadResult {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {ok: true, file: {version: 1, logs: {}}}
    return {ok: false, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`}
  }
  try {
    const parsed = JSON.parse(text) as WitnessFile
    if (parsed?.version === 1 && parsed.logs && typeof parsed.logs === 'object') return {ok: true, file: parsed}
  } catch {
    // reported below: a witness that does not parse was altered or damaged
  }
  return {ok: false, reason: 'is not a witness file confctl wrote'}
}

/** Whether this machine has witnessed any audit log (so a missing store is a finding). */
export function witnessExists(env: NodeJS.ProcessEnv = process.env): boolean {
  return existsSync(join(confctlHome(env), WITNESS_FILE))
}

/** Records the current head when it is sealed and later than the one witnessed. Called after a
 *  command's transactions committed (privacy-context.ts), never inside one: a rolled-back
 *  append must not be witnessed. Two processes racing may leave the lower of their two heads;
 *  that is still an entry the log once had, so the check stays sound. */
export async function witnessHead(ctx: AuditContext & {home: string}): Promise<void> {
  const head = await readHead(ctx.db, ctx.key)
  if (!head?.sealed) return
  const path = join(ctx.home, WITNESS_FILE)
  const read = readWitnessFile(path)
  if (!read.ok) return // keep the damaged file as evidence; audit verify reports it
  const location = ctx.db.location
  const seen = read.file.logs[location]
  if (seen && (seen.seq >= head.seq || seen.mac !== witnessMac(ctx.key, location, seen))) return
  const w = {seq: head.seq, hash: head.hash, at: new Date().toISOString()}
  read.file.logs[location] = {...w, mac: witnessMac(ctx.key, location, w)}
  await writeFileAtomic(path, JSON.stringify(read.file, null, 2) + '\n', {mode: 0o600})
}

/** What the witness says about the log: nothing when it has not seen this store. */
export async function checkWitness(ctx: {db: StoreDb; key: SecretKey; home: string}): Promise<AuditProblem[]> {
  const path = join(ctx.home, WITNESS_FILE)
  const read = readWitnessFile(path)
  if (!read.ok)
    return [{seq: 0, problem: `the witness file ${path} ${read.reason}: it was altered (see docs/privacy.md)`}]
  const seen = read.file.logs[ctx.db.location]
  if (!seen) return []
  if (seen.mac !== witnessMac(ctx.key, ctx.db.location, seen))
    return [
      {
        seq: Number(seen.seq) || 0,
        problem: `the witness of this log in ${path} does not match its seal: it was altered, or the privacy key was replaced`,
      },
    ]
  const missing = await missingFromLog(ctx.db, seen, `entry ${seen.seq} was seen on ${seen.at} (witness ${path})`)
  return missing ? [{seq: seen.seq, problem: missing}] : []
}
