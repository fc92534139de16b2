// The fleet inventory, $CONFCTL_HOME/fleet.yaml: which nodes confctl manages and how to
// reach them. Operators may edit it by hand, so it is validated on every read against the
// YAML syntax tree (not the plain JS value) to name the exact line and key that is wrong;
// and it is only ever replaced atomically, under a lock, so two concurrent `node up`s
// cannot lose each other's entry.
import {readFile} from 'node:fs/promises'
import {isIP} from 'node:net'
import {isAbsolute} from 'node:path'
import {Document, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, YAMLMap} from 'yaml'
import {BadInputError} from '../errors.js'
import {IceServerError, parseIceServer} from '../api/ice-servers.js'
import {parseCodecList} from '../api/codec-names.js'
import {writeFileAtomic} from './atomic-write.js'
import {checkRedisPrefix, checkRedisUrl, type CoordinationSettings} from './coordination-config.js'
import {withFileLock} from './file-lock.js'
import {inventoryPath} from './paths.js'
import {
  formatPortRange,
  normalizeSize as parseSize,
  parseCount,
  parseDurationSeconds,
  parsePort,
  parsePortRange,
  type PortRange,
} from '../units.js'

export const INVENTORY_VERSION = 1

/** A node run by this machine's supervisor, in a directory under $CONFCTL_HOME/nodes/. */
export interface LocalNodeEntry {
  name: string
  kind: 'local'
  dir: string
  host: string
  port: number // 0 = the node picks a free port at each start
  adminHost: string
  adminPort: number
  rtcPorts: PortRange
  announceIp?: string
  /** How often the node writes QoE samples, and how long it keeps them ("10s", "7d"). */
  qoeInterval?: string
  qoeRetention?: string
  /** Admin API over HTTPS with these PEM files (required off loopback unless insecureAdmin). */
  adminTlsCert?: string
  adminTlsKey?: string
  /** Plain-HTTP admin API off loopback, accepted with a warning (--insecure-admin). */
  insecureAdmin?: boolean
  /** HTTP connection caps of the public port (the node's --max-connections, --max-connections-per-ip). */
  maxConnections?: number
  maxConnectionsPerIp?: number
  /** Media-session caps and the connect timeout (the node's --max-sessions, --max-sessions-per-ip, --connect-timeout). */
  maxSessions?: number
  maxSessionsPerIp?: number
  connectTimeout?: string
  /** When the node rotates access.log ("10MB", "1d"). */
  accessLogMaxSize?: string
  accessLogMaxAge?: string
  /** STUN/TURN servers the node announces (its --ice-server values, URL[,username,credential]). */
  iceServers?: string[]
  /** Codecs publishers may send (the node's --codecs, e.g. "opus,VP8,H264"); absent = all. */
  codecs?: string
  /** This node's own coordination (`node up --redis`), instead of the fleet's `coordination`. */
  redis?: string
  redisPrefix?: string
  /** Last URLs the node reported in state.json. With port 0 they change at every start, so
   *  for a running node the live state.json wins (see endpoint.ts). */
  publicUrl?: string
  adminUrl?: string
}

/** A node on another host reached over SSH, put there by `confctl node provision`
 *  (src/fleet/ssh/). The admin API listens on the remote loopback; confctl reaches it
 *  through a local port forward (src/fleet/ssh/tunnel.ts). */
export interface SshNodeEntry {
  name: string
  kind: 'ssh'
  host: string
  user: string
  sshPort: number
  dir: string // node directory on the remote host
  publicUrl: string
  adminUrl: string // as seen from the remote host, e.g. http://127.0.0.1:8081
  tunnel?: {localPort: number} // fixed local port for the forward; absent = any free port
  identityFile?: string // private key to log in with; absent = ssh-agent, then ~/.ssh/id_*
  knownHosts?: string // known_hosts file; absent = ~/.ssh/known_hosts
}

export type NodeEntry = LocalNodeEntry | SshNodeEntry
export type NodeKind = NodeEntry['kind']

export interface Inventory {
  version: typeof INVENTORY_VERSION
  /** Where the fleet's nodes coordinate (`confctl fleet init`); absent = every node on its own. */
  coordination?: CoordinationSettings
  nodes: NodeEntry[]
}

export function emptyInventory(): Inventory {
  return {version: INVENTORY_VERSION, nodes: []}
}

const NODE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/i

/** Node names become directory names and URL-less identifiers, so keep them plain. */
export function checkNodeName(name: string, what: string): string {
  if (!NODE_NAME.test(name)) {
    throw new BadInputError(
      `${what} must be 1-63 letters, digits, '-' or '_' starting with a letter or digit, got '${name}'.`,
    )
  }
  return name
}

// ---- reading -----------------------------------------------------------------------------

/** Reads and validates fleet.yaml; a missing or empty file is an empty inventory. */
export async function readInventory(file: string = inventoryPath()): Promise<Inventory> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyInventory()
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}.`)
  }
  return parseInventory(text, file)
}

/** Parses fleet.yaml text; `file` is only used in error messages. */
export function parseInventory(text: string, file: string): Inventory {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, prettyErrors: false, uniqueKeys: true})
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const line = lineCounter.linePos(e.pos[0]).line
    // yaml's messages end with "at line X, column Y:" plus a code frame; keep the first clause.
    const reason = e.message
      .split('\n')[0]
      .replace(/\s+at line \d+, column \d+:?$/, '')
      .replace(/\.$/, '')
    throw new BadInputError(`${file}, line ${line}: YAML syntax error: ${reason}.`)
  }
  if (doc.contents === null) return emptyInventory()
  return new InventoryValidator(file, lineCounter).inventory(doc.contents as YamlNode)
}

type FieldCheck = (node: YamlNode, key: string) => unknown
interface FieldSpec {
  required: boolean
  check: FieldCheck
}

class InventoryValidator {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  inventory(root: YamlNode): Inventory {
    const map = this.map(root, 'the top level')
    this.onlyKeys(map, '', ['version', 'coordination', 'nodes'])
    const versionNode = map.get('version', true) as YamlNode | undefined
    if (versionNode !== undefined && this.scalar(versionNode, 'version') !== INVENTORY_VERSION) {
      this.fail(versionNode, `version must be ${INVENTORY_VERSION} (the only format this confctl knows).`)
    }
    const coordinationNode = map.get('coordination', true) as YamlNode | undefined
    const coordination =
      coordinationNode === undefined || (isScalar(coordinationNode) && coordinationNode.value === null)
        ? undefined
        : (this.fields(
            this.map(coordinationNode, 'coordination'),
            'coordination',
            COORDINATION_FIELDS,
          ) as unknown as CoordinationSettings)
    const withCoordination = (inv: Inventory): Inventory => (coordination ? {...inv, coordination} : inv)
    const nodesNode = map.get('nodes', true) as YamlNode | undefined
    if (nodesNode === undefined || (isScalar(nodesNode) && nodesNode.value === null))
      return withCoordination(emptyInventory())
    if (!isSeq(nodesNode)) this.fail(nodesNode, `nodes must be a list of node entries.`)
    const nodes: NodeEntry[] = []
    const seen = new Map<string, number>()
    nodesNode.items.forEach((item, i) => {
      const entry = this.node(item as YamlNode, `nodes[${i}]`)
      if (seen.has(entry.name)) {
        this.fail(
          (item as YAMLMap).get('name', true) as YamlNode,
          `nodes[${i}].name '${entry.name}' is already used by nodes[${seen.get(entry.name)}]; node names must be unique.`,
        )
      }
      seen.set(entry.name, i)
      nodes.push(entry)
    })
    return withCoordination({version: INVENTORY_VERSION, nodes})
  }

  private node(item: YamlNode, path: string): NodeEntry {
    const map = this.map(item, path)
    const kindNode = map.get('kind', true) as YamlNode | undefined
    if (kindNode === undefined) this.fail(item, `${path}.kind is missing (expected 'local' or 'ssh').`)
    const kind = this.scalar(kindNode, `${path}.kind`)
    const specs = kind === 'local' ? LOCAL_FIELDS : kind === 'ssh' ? SSH_FIELDS : undefined
    if (!specs) this.fail(kindNode, `${path}.kind must be 'local' or 'ssh', got '${String(kind)}'.`)
    return this.fields(map, path, specs) as unknown as NodeEntry
  }

  fields(map: YAMLMap, path: string, specs: Record<string, FieldSpec>): Record<string, unknown> {
    this.onlyKeys(map, path, Object.keys(specs))
    const out: Record<string, unknown> = {}
    for (const [key, spec] of Object.entries(specs)) {
      const node = map.get(key, true) as YamlNode | undefined
      const what = `${path}.${key}`
      if (node === undefined || (isScalar(node) && node.value === null)) {
        if (spec.required) this.fail(map, `${what} is missing.`)
        continue
      }
      try {
        out[key] = spec.check.call(this, node, what)
      } catch (err) {
        if (err instanceof BadInputError && !err.message.startsWith(this.file)) this.fail(node, err.message)
        throw err
      }
    }
    return out
  }

  /** Unknown keys are rejected: a typo like `adminport` must not silently fall back to a default. */
  private onlyKeys(map: YAMLMap, path: string, allowed: string[]): void {
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key)
      if (!allowed.includes(key)) {
        const where = path ? `${path}.${key}` : key
        this.fail(pair.key as YamlNode, `unknown key '${where}' (expected one of: ${allowed.join(', ')}).`)
      }
    }
  }

  map(node: YamlNode, what: string): YAMLMap {
    if (!isMap(node)) this.fail(node, `${what} must be a mapping of keys to values.`)
    return node
  }

  scalar(node: YamlNode, what: string): unknown {
    if (!isScalar(node)) this.fail(node, `${what} must be a single value, not a list or mapping.`)
    return node.value
  }

  string(node: YamlNode, what: string): string {
    const v = this.scalar(node, what)
    if (typeof v !== 'string' || v.trim() === '') throw new BadInputError(`${what} must be a non-empty string.`)
    return v
  }

  fail(node: YamlNode | undefined, sentence: string): never {
    const offset = node?.range?.[0]
    const line = offset === undefined ? undefined : this.lines.linePos(offset).line
    throw new BadInputError(`${this.file}${line ? `, line ${line}` : ''}: ${sentence}`)
  }
}

// Field checks run with `this` bound to the validator; they throw BadInputError starting
// with `what`, and the validator prefixes file and line.
function str(this: InventoryValidator, node: YamlNode, what: string): string {
  return this.string(node, what)
}
function nodeName(this: InventoryValidator, node: YamlNode, what: string): string {
  return checkNodeName(this.string(node, what), what)
}
function port(this: InventoryValidator, node: YamlNode, what: string): number {
  return parsePort(this.scalar(node, what) as string | number, what)
}
function portNonZero(this: InventoryValidator, node: YamlNode, what: string): number {
  return parsePort(this.scalar(node, what) as string | number, what, {allowZero: false})
}
function portRange(this: InventoryValidator, node: YamlNode, what: string): PortRange {
  return parsePortRange(String(this.scalar(node, what)), what)
}
function ip(this: InventoryValidator, node: YamlNode, what: string): string {
  const v = this.string(node, what)
  if (!isIP(v)) throw new BadInputError(`${what} must be an IPv4 or IPv6 address, got '${v}'.`)
  return v
}
function duration(this: InventoryValidator, node: YamlNode, what: string): string {
  const v = this.string(node, what)
  parseDurationSeconds(v, what) // kept as written: the node parses the same syntax
  return v
}
function count(this: InventoryValidator, node: YamlNode, what: string): number {
  return parseCount(this.scalar(node, what) as string | number, what)
}
function size(this: InventoryValidator, node: YamlNode, what: string): string {
  return parseSize(this.string(node, what), what)
}
function iceServerList(this: InventoryValidator, node: YamlNode, what: string): string[] {
  if (!isSeq(node)) throw new BadInputError(`${what} must be a list of STUN/TURN servers.`)
  return node.items.map((item, i) => {
    const v = this.string(item as YamlNode, `${what}[${i}]`)
    try {
      parseIceServer(v, `${what}[${i}]`)
    } catch (err) {
      if (err instanceof IceServerError) throw new BadInputError(`${err.message}.`)
      throw err
    }
    return v
  })
}
function codecList(this: InventoryValidator, node: YamlNode, what: string): string {
  const v = this.string(node, what)
  try {
    return parseCodecList(v, what).join(',')
  } catch (err) {
    throw new BadInputError(`${(err as Error).message}.`)
  }
}
function absPath(this: InventoryValidator, node: YamlNode, what: string): string {
  const v = this.string(node, what)
  if (!isAbsolute(v)) throw new BadInputError(`${what} must be an absolute path, got '${v}'.`)
  return v
}
function bool(this: InventoryValidator, node: YamlNode, what: string): boolean {
  const v = this.scalar(node, what)
  if (typeof v !== 'boolean') throw new BadInputError(`${what} must be true or false, got '${String(v)}'.`)
  return v
}
function httpUrl(this: InventoryValidator, node: YamlNode, what: string): string {
  const v = this.string(node, what)
  let ok = false
  try {
    ok = ['http:', 'https:'].includes(new URL(v).protocol)
  } catch {}
  if (!ok) throw new BadInputError(`${what} must be an http:// or https:// URL, got '${v}'.`)
  return v.replace(/\/+$/, '')
}
function redisUrl(this: InventoryValidator, node: YamlNode, what: string): string {
  return checkRedisUrl(this.string(node, what), what)
}
function redisPrefix(this: InventoryValidator, node: YamlNode, what: string): string {
  return checkRedisPrefix(this.string(node, what), what)
}
function tunnel(this: InventoryValidator, node: YamlNode, what: string): {localPort: number} {
  return this.fields(this.map(node, what), what, {localPort: req(portNonZero)}) as {localPort: number}
}

const req = (check: FieldCheck): FieldSpec => ({required: true, check})
const opt = (check: FieldCheck): FieldSpec => ({required: false, check})

// Key order here is also the order keys are written in.
const LOCAL_FIELDS: Record<keyof LocalNodeEntry, FieldSpec> = {
  name: req(nodeName),
  kind: req(str), // already checked to be 'local' / 'ssh' before the fields
  dir: req(absPath),
  host: req(ip),
  port: req(port),
  adminHost: req(ip),
  adminPort: req(port),
  rtcPorts: req(portRange),
  announceIp: opt(ip),
  qoeInterval: opt(duration),
  qoeRetention: opt(duration),
  adminTlsCert: opt(absPath),
  adminTlsKey: opt(absPath),
  insecureAdmin: opt(bool),
  maxConnections: opt(count),
  maxConnectionsPerIp: opt(count),
  maxSessions: opt(count),
  maxSessionsPerIp: opt(count),
  connectTimeout: opt(duration),
  accessLogMaxSize: opt(size),
  accessLogMaxAge: opt(duration),
  iceServers: opt(iceServerList),
  codecs: opt(codecList),
  redis: opt(redisUrl),
  redisPrefix: opt(redisPrefix),
  publicUrl: opt(httpUrl),
  adminUrl: opt(httpUrl),
}

const SSH_FIELDS: Record<keyof SshNodeEntry, FieldSpec> = {
  name: req(nodeName),
  kind: req(str), // already checked to be 'local' / 'ssh' before the fields
  host: req(str),
  user: req(str),
  sshPort: req(portNonZero),
  dir: req(absPath),
  publicUrl: req(httpUrl),
  adminUrl: req(httpUrl),
  tunnel: opt(tunnel),
  identityFile: opt(absPath),
  knownHosts: opt(absPath),
}

const COORDINATION_FIELDS: Record<keyof CoordinationSettings, FieldSpec> = {
  redis: req(redisUrl),
  redisPrefix: opt(redisPrefix),
}

// ---- writing -----------------------------------------------------------------------------

const HEADER = ` confctl fleet inventory. Edited by \`confctl node ...\`; hand edits are fine but are
 validated on every read, and comments are not kept when confctl rewrites the file.`

/** The YAML text of an inventory, keys in a stable order. */
export function serializeInventory(inv: Inventory): string {
  const nodes = inv.nodes.map((n) => {
    const specs: Record<string, FieldSpec> = n.kind === 'local' ? LOCAL_FIELDS : SSH_FIELDS
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(specs)) {
      const value = (n as unknown as Record<string, unknown>)[key]
      if (value === undefined) continue
      out[key] = key === 'rtcPorts' ? formatPortRange(value as PortRange) : value
    }
    return out
  })
  const coordination = inv.coordination && {
    redis: inv.coordination.redis,
    ...(inv.coordination.redisPrefix === undefined ? {} : {redisPrefix: inv.coordination.redisPrefix}),
  }
  const doc = new Document({version: INVENTORY_VERSION, ...(coordination ? {coordination} : {}), nodes})
  doc.commentBefore = HEADER
  return doc.toString({lineWidth: 0})
}

/** Writes the inventory atomically, after checking it reads back as valid: a bug or a bad
 *  value in a caller must fail here, not leave a file the next command cannot read. */
export async function writeInventory(inv: Inventory, file: string = inventoryPath()): Promise<void> {
  const text = serializeInventory(inv)
  parseInventory(text, `${file} (about to be written)`)
  await writeFileAtomic(file, text, 0o600)
}

/** Read-modify-write under a lock: `mutate` gets the current inventory and returns the new one. */
export async function updateInventory(
  mutate: (inv: Inventory) => Inventory | Promise<Inventory>,
  file: string = inventoryPath(),
): Promise<Inventory> {
  return withFileLock(`${file}.lock`, async () => {
    const next = await mutate(await readInventory(file))
    await writeInventory(next, file)
    return next
  })
}

// ---- lookups -----------------------------------------------------------------------------

export function findNode(inv: Inventory, name: string): NodeEntry | undefined {
  return inv.nodes.find((n) => n.name === name)
}

/** Replaces the entry of the same name, or appends. */
export function upsertNode(inv: Inventory, entry: NodeEntry): Inventory {
  const i = inv.nodes.findIndex((n) => n.name === entry.name)
  const nodes = [...inv.nodes]
  if (i === -1) nodes.push(entry)
  else nodes[i] = entry
  return {...inv, nodes}
}

export function removeNode(inv: Inventory, name: string): Inventory {
  return {...inv, nodes: inv.nodes.filter((n) => n.name !== name)}
}
