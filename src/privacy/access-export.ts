// The answer to an access request (Art. 15): per store, everything found as JSON; the
// files that belong to records (recordings) as they are; a human-readable summary with
// the Art. 15(1) information taken from the datamap (purposes, categories, recipients,
// storage period, source); and a manifest with the SHA-256 of every file. Written to a
// directory, or to a ZIP built beside its final name and renamed into place.
import {createHash, randomBytes} from 'node:crypto'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import {basename, dirname, join, relative, resolve} from 'node:path'
import {BadInputError} from '../errors.js'
import {appendAudit} from './audit-log.js'
import {legalBasisText, type CollectionDef} from './datamap-types.js'
import {exportRecord, type FoundValues} from './export-fields.js'
import type {PrivacyContext} from './privacy-context.js'
import {setRequestStatus, setStoreStatus} from './request-register.js'
import type {RequestScope} from './request-scope.js'
import {searchSubject, type StoreHits} from './subject-search.js'
import {writeZip} from './zip-writer.js'
import {unreadableReason} from './connectors/unreadable.js'

export interface AccessResult {
  request: string
  out: string
  status: 'done' | 'partial'
  stores: Array<{
    store: string
    reachable: boolean
    message?: string
    records: number
    files: number
    /** What the datamap covers but could not be searched or read: the answer is incomplete. */
    unsearchable: Array<{collection: string; path: string; reason: string}>
  }>
  files: Array<{path: string; bytes: number; sha256: string}>
}

const jsonValue = (_k: string, v: unknown) =>
  typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v

function summary(scope: RequestScope, hits: StoreHits[]): string {
  const lines = [
    `Information about the personal data we hold (Art. 15 GDPR)`,
    `Request: ${scope.req.id}, received ${scope.req.receivedAt.slice(0, 10)}, answered ${new Date().toISOString().slice(0, 10)}.`,
    '',
  ]
  const found = hits.flatMap((s) => s.collections.filter((c) => c.records.length > 0))
  if (found.length === 0) lines.push('We found no personal data about you in any of our systems.', '')
  for (const h of found) {
    const c: CollectionDef = h.coll
    lines.push(
      `${c.store} / ${c.name}: ${h.records.length} record(s)`,
      `  Purpose: ${c.purpose}`,
      `  Categories of data: ${[...new Set(c.fields.map((f) => f.category))].join(', ')}`,
      `  Legal basis: ${legalBasisText(c)}`,
      `  Recipients: ${c.recipients.length ? c.recipients.join('; ') : 'none outside the controller'}`,
      `  Storage period: ${c.retention.period}, counted from ${c.retention.from}`,
      `  Source: ${c.source}`,
      '',
    )
  }
  const down = hits.filter((s) => !s.reachable)
  if (down.length)
    lines.push(
      `Not yet searched (the system was unavailable; we will complete this answer): ${down.map((s) => s.store).join(', ')}.`,
      '',
    )
  const unread = hits.flatMap((s) => s.collections.filter((c) => c.unsearchable.length > 0))
  if (unread.length) {
    lines.push('Could not be searched or read (this answer is incomplete there; we will complete it):')
    for (const h of unread)
      for (const u of h.unsearchable) lines.push(`  ${h.coll.store} / ${h.coll.name}: ${u.path} ${u.reason}`)
    lines.push('')
  }
  lines.push(
    'You may ask for rectification (Art. 16), erasure (Art. 17), restriction of processing (Art. 18) and object (Art. 21),',
    'and you may lodge a complaint with a supervisory authority (Art. 77).',
    'The machine-readable data is in stores/*.json; files attached to records are in files/; manifest.json lists the SHA-256 of every file.',
    'Passwords, tokens and other credentials are not included; fields listed as "withheld" refer to other people and are left out to protect them (Art. 15(4)).',
  )
  return lines.join('\n') + '\n'
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  )
}

/** The values the subject's own found records have in `field`, for telling their ids from others'. */
function foundValues(hits: StoreHits[]): FoundValues {
  const cache = new Map<string, Set<string>>()
  return (store, collection, field) => {
    const k = `${store}.${collection}.${field}`
    let set = cache.get(k)
    if (!set) {
      const h = hits.find((s) => s.store === store)?.collections.find((c) => c.coll.name === collection)
      set = new Set(
        (h?.records ?? [])
          .map((r) => r.data[field])
          .filter((v) => v !== null && v !== undefined)
          .map(String),
      )
      cache.set(k, set)
    }
    return set
  }
}

/** Size and SHA-256 of a file, read 1 MiB at a time: a recording can be larger than one
 *  Buffer may be (readFileSync refuses files over 2 GiB). */
function hashFile(file: string): {bytes: number; sha256: string} {
  const hash = createHash('sha256')
  const chunk = Buffer.alloc(1 << 20)
  const fd = openSync(file, 'r')
  let bytes = 0
  try {
    for (let n; (n = readSync(fd, chunk, 0, chunk.length, null)) > 0; bytes += n) hash.update(chunk.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return {bytes, sha256: hash.digest('hex')}
}

function writeTree(dir: string, scope: RequestScope, hits: StoreHits[]): AccessResult['files'] {
  mkdirSync(join(dir, 'stores'), {recursive: true})
  const found = foundValues(hits)
  for (const s of hits) {
    const kind = scope.map.stores.find((d) => d.name === s.store)!.kind
    const doc = {
      store: s.store,
      reachable: s.reachable,
      ...(s.message ? {message: s.message} : {}),
      collections: s.collections
        .filter((c) => c.records.length || c.unsearchable.length)
        .map((c) => ({
          collection: c.coll.name,
          records: c.records.map((r) => {
            const files: string[] = []
            for (const f of r.files ?? []) {
              const target = join('files', s.store, c.coll.name, f.name)
              mkdirSync(join(dir, dirname(target)), {recursive: true})
              try {
                copyFileSync(f.path, join(dir, target))
                files.push(target)
              } catch (err) {
                // Readable when found, gone or locked since: the answer must say so.
                c.unsearchable.push({path: f.path, reason: unreadableReason(err, f.path)})
              }
            }
            const e = exportRecord(scope.map, kind, c.coll, r, found)
            return {
              key: e.key,
              via: r.via,
              data: e.data,
              ...(e.withheld.length ? {withheld: e.withheld} : {}),
              ...(files.length ? {files} : {}),
            }
          }),
          ...(c.unsearchable.length ? {unsearchable: c.unsearchable} : {}),
        })),
    }
    writeFileSync(join(dir, 'stores', `${s.store}.json`), JSON.stringify(doc, jsonValue, 2) + '\n')
  }
  writeFileSync(join(dir, 'summary.txt'), summary(scope, hits))
  const files = listFiles(dir)
    .sort()
    .map((f) => ({path: relative(dir, f), ...hashFile(f)}))
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({request: scope.req.id, generatedAt: new Date().toISOString(), files}, null, 2) + '\n',
  )
  return files
}

/** Refuses an --out that cannot be written as asked, before anything is opened or created:
 *  an existing file or non-empty directory, or a parent directory that does not exist (a
 *  typo in the path must not silently grow a directory tree). Returns the absolute path. */
export function checkAccessOut(out: string): string {
  const target = resolve(out)
  const zip = target.toLowerCase().endsWith('.zip')
  if (existsSync(target) && (zip || !statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    throw new BadInputError(
      `--out ${out} already exists${zip ? '' : ' and is not an empty directory'}; choose a new path.`,
    )
  }
  const parent = dirname(target)
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    throw new BadInputError(
      `--out ${out}: the directory ${parent} does not exist; create it first or choose another path.`,
    )
  }
  return target
}

export async function exportAccess(ctx: PrivacyContext, scope: RequestScope, out: string): Promise<AccessResult> {
  const target = checkAccessOut(out)
  const zip = target.toLowerCase().endsWith('.zip')
  const hits = await searchSubject(scope.map, scope.ids, scope.conns)
  // Built under a temp name beside the target: a crash leaves no half export under the real name.
  const work = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`)
  let files: AccessResult['files']
  try {
    files = writeTree(work, scope, hits)
    if (zip) {
      const entries = listFiles(work)
        .sort()
        .map((f) => ({name: relative(work, f), file: f}))
      await writeZip(`${work}.zip`, entries)
      renameSync(`${work}.zip`, target)
      rmSync(work, {recursive: true, force: true})
    } else {
      if (existsSync(target)) rmSync(target, {recursive: true})
      renameSync(work, target)
    }
  } catch (err) {
    rmSync(work, {recursive: true, force: true})
    rmSync(`${work}.zip`, {force: true})
    throw err
  }
  const stores = hits.map((s) => ({
    store: s.store,
    reachable: s.reachable,
    message: s.message,
    records: s.collections.reduce((n, c) => n + c.records.length, 0),
    files: s.collections.reduce((n, c) => n + c.records.reduce((k, r) => k + (r.files?.length ?? 0), 0), 0),
    unsearchable: s.collections.flatMap((c) => c.unsearchable.map((u) => ({collection: c.coll.name, ...u}))),
  }))
  const status = stores.every((s) => s.reachable && s.unsearchable.length === 0) ? 'done' : 'partial'
  for (const s of stores)
    await setStoreStatus(
      ctx.db,
      scope.req.id,
      s.store,
      !s.reachable ? 'unreachable' : s.unsearchable.length ? 'incomplete' : 'done',
      s.message ?? (s.unsearchable.length ? `${s.unsearchable.length} item(s) could not be searched` : null),
    )
  await setRequestStatus(ctx.db, scope.req.id, status)
  await appendAudit(ctx.db, ctx.key, ctx.actor, {
    event: status === 'done' ? 'access.exported' : 'access.partial',
    requestId: scope.req.id,
    subjects: scope.hashes,
    details: {
      files: files.length,
      stores: Object.fromEntries(
        stores.map((s) => [
          s.store,
          {reachable: s.reachable, records: s.records, files: s.files, unsearchable: s.unsearchable.length},
        ]),
      ),
    },
  })
  return {request: scope.req.id, out: target, status, stores, files}
}
