// Reads a datamap YAML file into a Datamap, checking every key. A mistake is reported
// as one sentence naming the file, the line and the key (DESIGN.md: bad input), so the
// YAML is walked as nodes (which know their offsets) rather than as plain JS values.
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Scalar, type YAMLMap} from 'yaml'
import {BadInputError} from '../errors.js'
import {
  ERASURE_STRATEGIES,
  IMPLICIT_FIELDS,
  IDENTIFIER_TYPES,
  STORE_KINDS,
  type CollectionDef,
  type Datamap,
  type ErasureStrategy,
  type FieldDef,
  type IdentifierType,
  type Locator,
  type Reference,
  type StoreDef,
  type StoreKind,
} from './datamap-types.js'
import {nearestName} from './nearest-name.js'
import {periodDays} from './retention-period.js'

class Reader {
  readonly lines = new LineCounter()
  constructor(
    readonly file: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  at(node: Node | null | undefined): string {
    const offset = node?.range?.[0] ?? 0
    return `${this.file}:${this.lines.linePos(offset).line}`
  }

  fail(node: Node | null | undefined, key: string, what: string): never {
    throw new BadInputError(`datamap ${this.at(node)}: '${key}' ${what}.`)
  }

  map(node: unknown, key: string, parent?: Node): YAMLMap {
    if (!isMap(node)) this.fail((node as Node) ?? parent, key, 'must be a mapping')
    return node
  }

  /** Rejects keys this part of the datamap does not know (typos would otherwise be ignored silently). */
  only(map: YAMLMap, path: string, allowed: string[]): void {
    for (const pair of map.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '?'
      if (!allowed.includes(k))
        this.fail(pair.key as Node, `${path}.${k}`, `is not a known key (expected one of: ${allowed.join(', ')})`)
    }
  }

  get(map: YAMLMap, key: string): Node | undefined {
    return map.get(key, true) as Node | undefined
  }

  str(map: YAMLMap, key: string, path: string, required = true): string | undefined {
    const node = this.get(map, key)
    if (node === undefined) {
      if (required) this.fail(map, `${path}.${key}`, 'is missing')
      return undefined
    }
    if (isScalar(node) && node.value === null) {
      if (!required) return undefined // an optional key written as null / ~ / nothing: not given
      this.nullValue(node, `${path}.${key}`)
    }
    if (!isScalar(node) || typeof node.value === 'object') this.fail(node, `${path}.${key}`, 'must be a text value')
    return this.expand(this.text(node), node, `${path}.${key}`)
  }

  /** A scalar as written: YAML reads `007` as 7 and `1.10` as 1.1, but a name must stay as typed. */
  text(node: Scalar): string {
    return typeof node.value === 'string' ? node.value : (node.source ?? String(node.value))
  }

  /** `key:` with nothing after it, or an unquoted null / ~, which YAML reads as "no value". */
  nullValue(node: Scalar, key: string, allowed?: readonly string[]): never {
    const written = node.source ?? ''
    if (!written) this.fail(node, key, 'has no value')
    if (allowed?.includes('null'))
      this.fail(node, key, `is YAML's null (an unquoted ${written}), not the text 'null'; quote it: 'null'`)
    this.fail(node, key, `is YAML's null (an unquoted ${written}), not a value; give a value or quote it: '${written}'`)
  }

  strList(map: YAMLMap, key: string, path: string): string[] {
    const node = this.get(map, key)
    if (node === undefined) return []
    if (isScalar(node)) return [this.str(map, key, path)!]
    if (!isSeq(node)) this.fail(node, `${path}.${key}`, 'must be a list of text values')
    return node.items.map((item, i) => {
      if (!isScalar(item) || typeof item.value === 'object') {
        if (isScalar(item) && item.value === null) this.nullValue(item, `${path}.${key}[${i}]`)
        this.fail(item as Node, `${path}.${key}[${i}]`, 'must be a text value')
      }
      return this.expand(this.text(item), item, `${path}.${key}[${i}]`)
    })
  }

  oneOf<T extends string>(map: YAMLMap, key: string, path: string, allowed: readonly T[]): T {
    const node = this.get(map, key)
    if (isScalar(node) && node.value === null && node.source) this.nullValue(node, `${path}.${key}`, allowed)
    const value = this.str(map, key, path)!
    if (!allowed.includes(value as T))
      this.fail(node, `${path}.${key}`, `is '${value}', expected one of: ${allowed.join(', ')}`)
    return value as T
  }

  bool(map: YAMLMap, key: string, path: string): boolean | undefined {
    const node = this.get(map, key)
    if (node === undefined) return undefined
    if (!isScalar(node) || typeof node.value !== 'boolean')
      this.fail(
        node,
        `${path}.${key}`,
        `is '${isScalar(node) ? (node.source ?? String(node.value)) : '(not a value)'}', expected true or false`,
      )
    return node.value
  }

  /** ${VAR} in values, so one profile can point at per-test schemas, prefixes and dirs. */
  expand(text: string, node: Node, key: string): string {
    return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = this.env[name]
      if (v === undefined) this.fail(node, key, `uses \${${name}}, which is not set in the environment`)
      return v
    })
  }
}

const COLLECTION_KEYS = [
  'table',
  'key',
  'pattern',
  'type',
  'path',
  'directory',
  'name',
  'fields',
  'purpose',
  'legal_basis',
  'legal_note',
  'recipients',
  'source',
  'retention',
  'erasure',
]
const LOCATOR_KEYS: Record<StoreKind, string[]> = {
  sqlite: ['table', 'key'],
  postgres: ['table', 'key'],
  mysql: ['table', 'key'],
  redis: ['pattern', 'type'],
  jsonl: ['path'],
  'combined-log': ['path'],
  directory: ['directory', 'name'],
}
const REQUIRED_LOCATOR: Record<StoreKind, string[]> = {
  sqlite: ['table'],
  postgres: ['table'],
  mysql: ['table'],
  redis: ['pattern', 'type'],
  jsonl: ['path'],
  'combined-log': ['path'],
  directory: ['directory', 'name'],
}
/** The fields a combined access log line has; its datamap may only name these. */
export const COMBINED_FIELDS = ['ip', 'ident', 'user', 'time', 'request', 'status', 'bytes', 'referer', 'userAgent']

function parseLegalBasis(r: Reader, map: YAMLMap, path: string): string {
  const text = r.str(map, 'legal_basis', path)!
  const m = /^(?:art\.?\s*)?(?:6\s*\(\s*1\s*\)\s*)?(?:lit\.?\s*)?\(?([a-f])\)?$/i.exec(text.trim())
  if (!m)
    r.fail(
      r.get(map, 'legal_basis'),
      `${path}.legal_basis`,
      `is '${text}', expected an Art. 6(1) letter such as 'e' or '6(1)(e)'`,
    )
  return m[1].toLowerCase()
}

function parseFields(r: Reader, map: YAMLMap, path: string, kind: StoreKind): FieldDef[] {
  const node = r.map(r.get(map, 'fields'), `${path}.fields`, map)
  const fields: FieldDef[] = []
  for (const pair of node.items) {
    const name = String((pair.key as {value?: unknown})?.value)
    const fpath = `${path}.fields.${name}`
    const fmap = r.map(pair.value, fpath, pair.key as Node)
    r.only(fmap, fpath, ['category', 'identifies', 'export'])
    const identifies = fmap.has('identifies')
      ? r.oneOf<IdentifierType>(fmap, 'identifies', fpath, IDENTIFIER_TYPES)
      : undefined
    if (kind === 'combined-log' && !COMBINED_FIELDS.includes(name))
      r.fail(pair.key as Node, fpath, `is not a field of a combined access log line (${COMBINED_FIELDS.join(', ')})`)
    const exported = r.bool(fmap, 'export', fpath)
    fields.push({
      name,
      category: r.str(fmap, 'category', fpath)!,
      identifies,
      ...(exported === undefined ? {} : {export: exported}),
    })
  }
  if (fields.length === 0) r.fail(node, `${path}.fields`, 'must list at least one field')
  return fields
}

/** The names a record of the collection has: its fields, the implicit ones of its kind and
 *  the {captures} of a Redis key pattern or a file-name template. */
export function recordFieldNames(kind: StoreKind, locator: Locator, fields: FieldDef[]): string[] {
  const captures = [...`${locator.pattern ?? ''}${locator.name ?? ''}`.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
  return [...new Set([...fields.map((f) => f.name), ...(IMPLICIT_FIELDS[kind] ?? []), ...captures])]
}

/** `retention.from` names a field, or describes an event in words ("end of the meeting"). A
 *  field name that is not one of the collection's (a typo, or a column left out of `fields`)
 *  would turn the retention check into "check it by hand" without anyone noticing, so a
 *  value written like a field name (snake_case, camelCase, or a near miss of a field) must be one. */
function parseRetentionFrom(
  r: Reader,
  retMap: YAMLMap,
  path: string,
  kind: StoreKind,
  locator: Locator,
  fields: FieldDef[],
): string {
  const from = r.str(retMap, 'from', `${path}.retention`)!
  const names = recordFieldNames(kind, locator, fields)
  if (names.includes(from)) return from
  const near = nearestName(from, names)
  const fieldLike = /^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$|^[a-z]+[A-Z][A-Za-z0-9]*$/.test(from)
  if (near || fieldLike)
    r.fail(
      r.get(retMap, 'from'),
      `${path}.retention.from`,
      `is '${from}', which is not a field of this collection${near ? ` (did you mean '${near}'?)` : ''}; name one of ${names.join(', ')} (add the column under fields if it is missing), or describe the event in words such as 'end of the meeting'`,
    )
  return from
}

function keyOrigins(r: Reader, map: YAMLMap, retMap: YAMLMap): Record<string, string> {
  const out: Record<string, string> = {}
  for (const k of ['table', 'key', 'pattern', 'type', 'path', 'directory', 'name'])
    if (map.has(k)) out[k] = r.at(r.get(map, k))
  const fields = r.get(map, 'fields')
  if (isMap(fields))
    for (const p of fields.items) out[`fields.${String((p.key as Scalar).value)}`] = r.at(p.key as Node)
  if (retMap.has('from')) out['retention.from'] = r.at(r.get(retMap, 'from'))
  return out
}

function parseCollection(r: Reader, store: StoreDef, name: string, node: unknown, keyNode: Node): CollectionDef {
  const path = `stores.${store.name}.collections.${name}`
  const map = r.map(node, path, keyNode)
  r.only(
    map,
    path,
    COLLECTION_KEYS.filter(
      (k) =>
        !['table', 'key', 'pattern', 'type', 'path', 'directory', 'name'].includes(k) ||
        LOCATOR_KEYS[store.kind].includes(k),
    ),
  )
  const locator: Locator = {}
  for (const k of REQUIRED_LOCATOR[store.kind]) r.str(map, k, path) // presence check, with the line
  if (map.has('table')) locator.table = r.str(map, 'table', path)
  if (map.has('key')) locator.key = r.strList(map, 'key', path)
  if (map.has('pattern')) locator.pattern = r.str(map, 'pattern', path)
  if (map.has('type')) locator.type = r.oneOf(map, 'type', path, ['string', 'hash', 'json'] as const)
  if (map.has('path')) locator.path = r.str(map, 'path', path)
  if (map.has('directory')) locator.directory = r.str(map, 'directory', path)
  if (map.has('name')) locator.name = r.str(map, 'name', path)
  const fields = parseFields(r, map, path, store.kind)

  const retMap = r.map(r.get(map, 'retention'), `${path}.retention`, map)
  r.only(retMap, `${path}.retention`, ['period', 'from'])
  const period = r.str(retMap, 'period', `${path}.retention`)!
  const days = periodDays(period)
  if (days === undefined)
    r.fail(
      r.get(retMap, 'period'),
      `${path}.retention.period`,
      `is '${period}', expected a period such as 7d, 6mo, 1y or 365d+90d`,
    )

  const erMap = r.map(r.get(map, 'erasure'), `${path}.erasure`, map)
  r.only(erMap, `${path}.erasure`, ['strategy', 'fields', 'law'])
  const strategy = r.oneOf<ErasureStrategy>(erMap, 'strategy', `${path}.erasure`, ERASURE_STRATEGIES)
  let erFields = r.strList(erMap, 'fields', `${path}.erasure`)
  for (const f of erFields) {
    if (!fields.some((d) => d.name === f))
      r.fail(r.get(erMap, 'fields'), `${path}.erasure.fields`, `names '${f}', which is not in ${path}.fields`)
  }
  if (erFields.length === 0 && strategy !== 'delete' && strategy !== 'keep') {
    // Defaults: truncate-ip changes the IP fields, null/pseudonymise every identifying field.
    erFields = fields
      .filter((f) => (strategy === 'truncate-ip' ? f.identifies === 'ip' : f.identifies))
      .map((f) => f.name)
    if (erFields.length === 0)
      r.fail(erMap, `${path}.erasure.fields`, `is needed: no field is marked to be changed by '${strategy}'`)
  }
  const law = r.str(erMap, 'law', `${path}.erasure`, strategy === 'keep')
  if (store.kind === 'directory' && !['delete', 'keep'].includes(strategy))
    r.fail(
      r.get(erMap, 'strategy'),
      `${path}.erasure.strategy`,
      `is '${strategy}', but files in a directory can only be deleted or kept`,
    )
  if (
    ['sqlite', 'postgres', 'mysql'].includes(store.kind) &&
    strategy !== 'keep' &&
    strategy !== 'delete' &&
    !locator.key?.length &&
    store.kind !== 'sqlite'
  ) {
    r.fail(map, `${path}.key`, `is needed to ${strategy} rows of a ${store.kind} table`)
  }

  return {
    store: store.name,
    name,
    locator,
    fields,
    purpose: r.str(map, 'purpose', path)!,
    legalBasis: parseLegalBasis(r, map, path),
    legalNote: r.str(map, 'legal_note', path, false),
    recipients: r.strList(map, 'recipients', path),
    source: r.str(map, 'source', path)!,
    retention: {period, days: days!, from: parseRetentionFrom(r, retMap, path, store.kind, locator, fields)},
    erasure: {strategy, fields: erFields, law},
    origin: r.at(keyNode),
    origins: keyOrigins(r, map, retMap),
  }
}

function parseReference(r: Reader, map: Datamap, item: Node, i: number): Reference {
  const text = isScalar(item) ? String(item.value) : ''
  const m = /^\s*([\w-]+)\.(\w+)\.(\w+)\s*->\s*([\w-]+)\.(\w+)\.(\w+)\s*$/.exec(text)
  if (!m) r.fail(item, `references[${i}]`, `is '${text}', expected 'store.collection.field -> store.collection.field'`)
  const ref: Reference = {
    from: {store: m[1], collection: m[2], field: m[3]},
    to: {store: m[4], collection: m[5], field: m[6]},
    text: text.trim(),
    origin: r.at(item),
  }
  for (const side of [ref.from, ref.to]) {
    const coll = map.stores.find((s) => s.name === side.store)?.collections.find((c) => c.name === side.collection)
    if (!coll)
      r.fail(
        item,
        `references[${i}]`,
        `names ${side.store}.${side.collection}, which is not a collection of the datamap`,
      )
    if (
      coll.store &&
      !coll.fields.some((f) => f.name === side.field) &&
      !(coll.locator.key ?? []).includes(side.field)
    ) {
      r.fail(
        item,
        `references[${i}]`,
        `names field '${side.field}', which ${side.store}.${side.collection} does not list under fields or key`,
      )
    }
  }
  return ref
}

/** Parses datamap YAML text; `file` names it in messages. Throws BadInputError on any mistake. */
export function parseDatamap(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Datamap {
  const r: Reader = new Reader(file, env)
  const doc = parseDocument(text, {lineCounter: r.lines, uniqueKeys: true})
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    throw new BadInputError(
      `datamap ${file}:${e.linePos?.[0]?.line ?? '?'}: not valid YAML (${e.message.split('\n')[0]}).`,
    )
  }
  const root = r.map(doc.contents, '(top level)')
  r.only(root, '(top level)', ['version', 'stores', 'references'])
  const version = r.get(root, 'version')
  if (!isScalar(version) || version.value !== 1) r.fail(version ?? root, 'version', 'must be 1')
  const map: Datamap = {sources: [file], stores: [], references: []}
  const stores = r.map(r.get(root, 'stores'), 'stores', root)
  for (const pair of stores.items) {
    const name = String((pair.key as {value?: unknown})?.value)
    const path = `stores.${name}`
    if (!/^[A-Za-z0-9_-]+$/.test(name)) r.fail(pair.key as Node, path, 'must be a name of letters, digits, - and _')
    const smap = r.map(pair.value, path, pair.key as Node)
    r.only(smap, path, ['kind', 'connection', 'collections'])
    const kind = r.oneOf<StoreKind>(smap, 'kind', path, STORE_KINDS)
    const store: StoreDef = {name, kind, connection: {}, collections: [], origin: r.at(pair.key as Node)}
    const conn = r.get(smap, 'connection')
    if (conn) {
      const cmap = r.map(conn, `${path}.connection`)
      r.only(cmap, `${path}.connection`, ['url', 'path', 'schema'])
      store.connection = {
        url: r.str(cmap, 'url', `${path}.connection`, false),
        path: r.str(cmap, 'path', `${path}.connection`, false),
        schema: r.str(cmap, 'schema', `${path}.connection`, false),
      }
    }
    if (['postgres', 'mysql', 'redis'].includes(kind) && !store.connection.url)
      r.fail(conn ?? smap, `${path}.connection.url`, `is needed for a ${kind} store`)
    if (kind === 'sqlite' && !store.connection.path)
      r.fail(conn ?? smap, `${path}.connection.path`, 'is needed for a sqlite store')
    const colls = r.map(r.get(smap, 'collections'), `${path}.collections`, smap)
    for (const c of colls.items)
      store.collections.push(
        parseCollection(r, store, String((c.key as {value?: unknown})?.value), c.value, c.key as Node),
      )
    map.stores.push(store)
  }
  const refs = r.get(root, 'references')
  if (refs !== undefined) {
    if (!isSeq(refs)) r.fail(refs, 'references', 'must be a list')
    refs.items.forEach((item, i) => map.references.push(parseReference(r, map, item as Node, i)))
  }
  return map
}

/** Several datamaps as one; a store name used twice is bad input (which one would be meant?). */
export function mergeDatamaps(maps: Datamap[]): Datamap {
  const out: Datamap = {sources: [], stores: [], references: []}
  for (const m of maps) {
    for (const s of m.stores) {
      const twin = out.stores.find((o) => o.name === s.name)
      if (twin) throw new BadInputError(`datamap ${s.origin}: store '${s.name}' is already defined at ${twin.origin}.`)
      out.stores.push(s)
    }
    out.sources.push(...m.sources)
    out.references.push(...m.references)
  }
  return out
}
