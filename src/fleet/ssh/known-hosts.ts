// Host key checking the way OpenSSH does it, against a known_hosts file: plain, wildcard,
// negated and hashed (|1|salt|hmac) host patterns, `[host]:port` for ports other than 22,
// @revoked lines; fingerprints shown as OpenSSH shows them (SHA256:<base64, no padding>).
// A key of a type recorded for the host that does not match is a changed key: always refused.
import {createHash, createHmac} from 'node:crypto'
import {appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync} from 'node:fs'
import {dirname} from 'node:path'

export interface KnownHostLine {
  line: number
  marker?: '@revoked' | '@cert-authority'
  patterns: string
  keyType: string
  key: Buffer
}

export type HostKeyVerdict =
  {status: 'known'} | {status: 'unknown'} | {status: 'changed'; line: number} | {status: 'revoked'; line: number}

/** `SHA256:...` as `ssh-keygen -l` and OpenSSH's warnings print it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** The key type named inside an SSH public key blob (its first string), e.g. ssh-ed25519. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown'
  const len = keyBlob.readUInt32BE(0)
  return len > 0 && len < 64 && keyBlob.length >= 4 + len ? keyBlob.subarray(4, 4 + len).toString('latin1') : 'unknown'
}

/** How the host appears in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (!line || line.startsWith('#')) return
    const fields = line.split(/\s+/)
    let marker: KnownHostLine['marker']
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostLine['marker']
    else if (fields[0]!.startsWith('@')) return // unknown marker: ignored, as OpenSSH does
    if (fields.length < 3) return
    const [patterns, keyType, b64] = fields as [string, string, string]
    const key = Buffer.from(b64, 'base64')
    if (key.length === 0 || keyTypeOf(key) !== keyType) return // malformed line
    out.push({line: i + 1, marker, patterns, keyType, key})
  })
  return out
}

/** OpenSSH's wildcard match: `*` any run, `?` one character, case-insensitive. */
function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  )
  return re.test(name)
}

function hashedMatch(pattern: string, name: string): boolean {
  const m = /^\|1\|([^|]+)\|([^|]+)$/.exec(pattern)
  if (!m) return false
  const mac = createHmac('sha1', Buffer.from(m[1]!, 'base64')).update(name).digest('base64')
  return mac === m[2]
}

/** Does a comma-separated pattern list name this host? A matching `!pattern` vetoes. */
export function patternsMatch(patterns: string, name: string): boolean {
  let matched = false
  for (const p of patterns.split(',')) {
    if (!p) continue
    const negated = p.startsWith('!')
    const pat = negated ? p.slice(1) : p
    const hit = pat.startsWith('|1|') ? hashedMatch(pat, name) : wildcardMatch(pat, name)
    if (hit && negated) return false
    if (hit) matched = true
  }
  return matched
}

function linesFor(lines: KnownHostLine[], host: string, port: number): KnownHostLine[] {
  const name = hostKeyName(host, port)
  return lines.filter((l) => l.marker !== '@cert-authority' && patternsMatch(l.patterns, name))
}

function readLines(file: string): KnownHostLine[] {
  return existsSync(file) ? parseKnownHosts(readFileSync(file, 'utf8')) : []
}

/** The verdict for the key a host presented. */
export function checkHostKey(file: string, host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
  const mine = linesFor(readLines(file), host, port)
  const revoked = mine.find((l) => l.marker === '@revoked' && l.key.equals(keyBlob))
  if (revoked) return {status: 'revoked', line: revoked.line}
  const type = keyTypeOf(keyBlob)
  const plain = mine.filter((l) => !l.marker)
  if (plain.some((l) => l.key.equals(keyBlob))) return {status: 'known'}
  const sameType = plain.find((l) => l.keyType === type)
  if (sameType) return {status: 'changed', line: sameType.line}
  // Recorded keys of other types only: the host was asked for those (see hostKeyAlgorithms),
  // so presenting another type is a changed key as well.
  if (plain.length > 0) return {status: 'changed', line: plain[0]!.line}
  return {status: 'unknown'}
}

const ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
}

/** Host key algorithms to ask for: those of the key types recorded for this host (as
 *  OpenSSH prefers), or undefined (ssh2's defaults) for a host not recorded yet. */
export function hostKeyAlgorithms(file: string, host: string, port: number): string[] | undefined {
  const types = [
    ...new Set(
      linesFor(readLines(file), host, port)
        .filter((l) => !l.marker)
        .map((l) => l.keyType),
    ),
  ]
  const algos = types.flatMap((t) => ALGORITHMS[t] ?? [])
  return algos.length ? algos : undefined
}

/** Records a newly accepted key (--accept-new) in OpenSSH's format; creates the file 0600. */
export function addKnownHost(file: string, host: string, port: number, keyBlob: Buffer): void {
  mkdirSync(dirname(file), {recursive: true, mode: 0o700})
  const existed = existsSync(file)
  const prefix =
    existed && !readFileSync(file, 'utf8').endsWith('\n') && readFileSync(file, 'utf8').length > 0 ? '\n' : ''
  appendFileSync(file, `${prefix}${hostKeyName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}\n`, {
    mode: 0o600,
  })
  if (!existed) chmodSync(file, 0o600)
}
