// Shared by the privacy tests: an isolated $CONFCTL_HOME with a node directory holding
// the bundled node's own stores (node.db sessions + qoe_samples, access.log), and running
// the built CLI against it.
import Database from 'better-sqlite3'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'

export const root = fileURLToPath(new URL('../../../', import.meta.url)) // dist/test/privacy -> repo
export const bin = join(root, 'bin', 'run.js')

export function tempHome(prefix = 'confctl-privacy-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export interface CliResult {
  exitCode: number
  stdout: string
  stderr: string
  json: any
}

export async function cli(home: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await execa(process.execPath, [bin, ...args], {
    cwd: root,
    reject: false,
    timeout: 120_000,
    env: {CONFCTL_HOME: home, FORCE_COLOR: '0', NO_COLOR: '1', PATH: process.env.PATH ?? '', ...env},
    extendEnv: false,
  })
  let json: unknown
  try {
    json = JSON.parse(String(r.stdout))
  } catch {}
  return {exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr), json}
}

/** A node dir like the SFU writes: Anna (two sessions, IPv4 + IPv6), Bob (one session). */
export function seedNode(home: string, name = 'edge1'): string {
  const dir = join(home, 'nodes', name)
  mkdirSync(dir, {recursive: true})
  const db = new Database(join(dir, 'node.db'))
  db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, room TEXT NOT NULL, identity TEXT NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL,
      remote_ip TEXT NOT NULL, user_agent TEXT NOT NULL, joined_at TEXT NOT NULL, left_at TEXT);
    CREATE TABLE qoe_samples (time TEXT NOT NULL, room TEXT NOT NULL, participant_id TEXT NOT NULL, identity TEXT NOT NULL, direction TEXT NOT NULL,
      kind TEXT NOT NULL, codec TEXT NOT NULL, source_publisher_id TEXT, packets INTEGER NOT NULL, lost INTEGER NOT NULL, fraction_lost REAL NOT NULL,
      jitter_ms REAL, rtt_ms REAL, bitrate_bps INTEGER NOT NULL, mos REAL, user_agent TEXT NOT NULL);`)
  const s = db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
  s.run(
    'p1',
    'maths',
    'anna',
    'Anna A.',
    'publisher',
    '203.0.113.7',
    'Firefox',
    '2026-01-10T10:00:00Z',
    '2026-01-10T11:00:00Z',
  )
  s.run('p2', 'maths', 'anna', 'Anna A.', 'subscriber', '2001:db8:1:2::7', 'Firefox', '2026-01-11T10:00:00Z', null)
  s.run('p3', 'maths', 'bob', 'Bob B.', 'publisher', '198.51.100.9', 'Chrome', '2026-01-10T10:00:00Z', null)
  const q = db.prepare(
    "INSERT INTO qoe_samples VALUES (?, 'maths', ?, ?, 'inbound', 'audio', 'opus', NULL, 100, 1, 0.01, 5, 20, 32000, 4.3, 'UA')",
  )
  q.run('2026-01-10T10:00:05Z', 'p1', 'anna')
  q.run('2026-01-10T10:00:10Z', 'p1', 'anna')
  q.run('2026-01-10T10:00:05Z', 'p3', 'bob')
  db.close()
  const line = (ip: string, path: string) =>
    JSON.stringify({
      time: '2026-01-10T10:00:00.000Z',
      server: 'public',
      method: 'POST',
      path,
      status: 201,
      bytes: 512,
      ip,
      userAgent: 'Firefox',
    })
  writeFileSync(
    join(dir, 'access.log'),
    [
      line('203.0.113.7', '/whip/maths'),
      line('198.51.100.9', '/whip/maths'),
      line('2001:db8:1:2::7', '/whep/maths/p3'),
      line('198.51.100.9', '/whep/maths/p1'),
    ].join('\n') + '\n',
  )
  return dir
}
