// npm run bench:dsar — one access and one erasure across the bundled node's stores at
// scale (1M session rows, 1M QoE rows, a 1 GB JSON-lines access log), and the log-scan
// speed next to `grep -F` on the same file. Everything lives in a temp dir that is
// deleted afterwards. BENCH_ROWS and BENCH_LOG_MB shrink it for a quick run. Then the
// case-insensitive e-mail lookup on a 1M-row PostgreSQL users table that has only a plain
// (email) index (BENCH_PG_URL, default the local test database; its own schema, dropped after).
import Database from 'better-sqlite3'
import {spawnSync} from 'node:child_process'
import {closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import pg from 'pg'
import {exportAccess} from '../src/privacy/access-export.js'
import {SqlConnector} from '../src/privacy/connectors/sql-connector.js'
import {parseDatamap} from '../src/privacy/datamap-parse.js'
import {scanLines} from '../src/privacy/connectors/line-scan.js'
import {executeErasure} from '../src/privacy/erasure-run.js'
import {withPrivacy} from '../src/privacy/privacy-context.js'
import {openRequest} from '../src/privacy/request-register.js'
import {withRequestScope} from '../src/privacy/request-scope.js'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const LOG_MB = Number(process.env.BENCH_LOG_MB ?? 1024)
const SUBJECT_IP = '203.0.113.77'
const home = mkdtempSync(join(tmpdir(), 'confctl-bench-dsar-'))
const dir = join(home, 'nodes', 'bench')
mkdirSync(dir, {recursive: true})
process.env.CONFCTL_HOME = home
const t = () => performance.now()
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`

function seedDb(): void {
  const db = new Database(join(dir, 'node.db'))
  db.pragma('journal_mode = WAL')
  db.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, room TEXT NOT NULL, identity TEXT NOT NULL, display_name TEXT NOT NULL, role TEXT NOT NULL, remote_ip TEXT NOT NULL, user_agent TEXT NOT NULL, joined_at TEXT NOT NULL, left_at TEXT);
    CREATE INDEX sessions_identity ON sessions(identity); CREATE INDEX sessions_remote_ip ON sessions(remote_ip); CREATE INDEX sessions_joined_at ON sessions(joined_at);
    CREATE TABLE qoe_samples (time TEXT NOT NULL, room TEXT NOT NULL, participant_id TEXT NOT NULL, identity TEXT NOT NULL, direction TEXT NOT NULL, kind TEXT NOT NULL, codec TEXT NOT NULL, source_publisher_id TEXT, packets INTEGER NOT NULL, lost INTEGER NOT NULL, fraction_lost REAL NOT NULL, jitter_ms REAL, rtt_ms REAL, bitrate_bps INTEGER NOT NULL, mos REAL, user_agent TEXT NOT NULL);
    CREATE INDEX qoe_samples_time ON qoe_samples(time); CREATE INDEX qoe_samples_identity ON qoe_samples(identity);
    CREATE INDEX qoe_samples_participant ON qoe_samples(participant_id);`)
  const s = db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)')
  const q = db.prepare(
    "INSERT INTO qoe_samples VALUES (?, ?, ?, ?, 'inbound', 'audio', 'opus', NULL, 100, 1, 0.01, 5, 20, 32000, 4.3, 'UA')",
  )
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) {
      const who = i % 50_000 === 0 ? 'subject' : `user${i % 200_000}`
      const ip = who === 'subject' ? SUBJECT_IP : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      s.run(
        `s${i}`,
        `room${i % 5000}`,
        who,
        `Name ${i}`,
        'publisher',
        ip,
        'Firefox',
        new Date(1.7e12 + i * 1000).toISOString(),
      )
      q.run(new Date(1.7e12 + i * 1000).toISOString(), `room${i % 5000}`, `s${i}`, who)
    }
  })()
  db.close()
}

function seedLog(): string {
  const file = join(dir, 'access.log')
  const lines: string[] = []
  for (let i = 0; i < 30_000; i++) {
    const ip = i === 12_345 ? SUBJECT_IP : `198.51.${(i >> 8) & 255}.${i & 255}`
    lines.push(
      JSON.stringify({
        time: new Date(1.7e12 + i).toISOString(),
        server: 'public',
        method: 'POST',
        path: `/whip/room${i % 500}`,
        status: 201,
        bytes: 512 + i,
        ip,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      }),
    )
  }
  const block = Buffer.from(lines.join('\n') + '\n')
  const fd = openSync(file, 'w')
  for (let written = 0; written < LOG_MB * 1024 * 1024; written += block.length) writeSync(fd, block)
  closeSync(fd)
  return file
}

/** The e-mail lookup of one collection through the SQL connector, against the old lower(email) IN. */
async function pgEmailLookup(): Promise<void> {
  const url = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `bench_dsar_${process.pid}`
  const client = new pg.Client({connectionString: url})
  await client.connect()
  try {
    let t0 = t()
    await client.query(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.users (id bigint PRIMARY KEY, email varchar NOT NULL, provider varchar NOT NULL, name text, password_digest text);
      INSERT INTO ${schema}.users SELECT i, 'user' || i || '@example.org', 'greenlight', 'User ' || i, 'x' FROM generate_series(1, ${ROWS}) i;
      CREATE INDEX users_email ON ${schema}.users (email);
      ANALYZE ${schema}.users;`)
    console.log(`seeded ${ROWS} PostgreSQL users with a plain (email) index in ${secs(t() - t0)}`)
    const store = parseDatamap(
      `version: 1
stores:
  gl:
    kind: postgres
    connection: {url: "${url}", schema: ${schema}}
    collections:
      users:
        table: users
        key: id
        purpose: accounts
        legal_basis: e
        source: sign-up
        retention: {period: 1y, from: end of the account}
        erasure: {strategy: delete}
        fields:
          id: {category: identity.user_id}
          email: {category: contact.email, identifies: email}
          name: {category: identity.name}
`,
      'bench',
      {},
    ).stores[0]
    const conn = new SqlConnector(store)
    await conn.connect()
    const coll = store.collections[0]
    const who = (i: number) => `User${(i * 7919) % ROWS}@Example.org`
    await conn.find(coll, [{field: 'email', values: [who(0)], fold: true}]) // reads the catalog once
    const N = 50
    t0 = t()
    let found = 0
    for (let i = 1; i <= N; i++)
      found += (await conn.find(coll, [{field: 'email', values: [who(i)], fold: true}])).length
    const newMs = (t() - t0) / N
    await conn.close()
    t0 = t()
    for (let i = 1; i <= 5; i++)
      await client.query(`SELECT * FROM ${schema}.users WHERE lower(email) IN ($1)`, [who(i).toLowerCase()])
    const oldMs = (t() - t0) / 5
    const plan = await client.query(`EXPLAIN SELECT id FROM ${schema}.users WHERE email IN ($1, $2)`, ['A@x', 'a@x'])
    const scan = plan.rows.map((r: {'QUERY PLAN': string}) => r['QUERY PLAN']).join(' ')
    console.log(
      `case-insensitive e-mail lookup, ${ROWS} users, plain (email) index: ${newMs.toFixed(2)} ms per collection (${found}/${N} found; ${/Index/.test(scan) ? 'index scan' : 'NOT an index scan'}) | before (lower(email) IN): ${oldMs.toFixed(0)} ms`,
    )
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  }
}

// BENCH_ONLY=pg-email runs just the PostgreSQL lookup part.
const only = process.env.BENCH_ONLY === 'pg-email'
try {
  if (!only) await nodeStores()
  await pgEmailLookup()
  // The retention plan over 350 k overdue PostgreSQL rows, in its own process (its own peak RSS).
  if (!only)
    spawnSync(process.execPath, [fileURLToPath(new URL('./dsar-retention.js', import.meta.url))], {stdio: 'inherit'})
} finally {
  rmSync(home, {recursive: true, force: true})
}

async function nodeStores(): Promise<void> {
  let t0 = t()
  seedDb()
  const log = seedLog()
  const logBytes = statSync(log).size
  console.log(
    `seeded ${ROWS} sessions, ${ROWS} QoE rows, ${(logBytes / 1048576).toFixed(0)} MB access log in ${secs(t() - t0)}`,
  )

  // Log scan next to grep -F on the same (now cached) file.
  spawnSync('grep', ['-F', '-c', SUBJECT_IP, log]) // warm the page cache for both
  t0 = t()
  let hits = 0
  scanLines(log, [Buffer.from(SUBJECT_IP)], () => hits++)
  const scanMs = t() - t0
  t0 = t()
  const g = spawnSync('grep', ['-F', '-c', SUBJECT_IP, log], {encoding: 'utf8'})
  const grepMs = t() - t0
  const mbs = (ms: number) => (logBytes / 1048576 / (ms / 1000)).toFixed(0)
  console.log(
    `log scan: ${mbs(scanMs)} MB/s (${hits} lines) | grep -F: ${mbs(grepMs)} MB/s (${g.stdout.trim()} lines) | ratio ${(grepMs / scanMs).toFixed(2)}`,
  )

  await withPrivacy(async (ctx) => {
    const access = (
      await openRequest(ctx, {
        type: 'access',
        subjects: [
          {type: 'user_id', value: 'subject'},
          {type: 'ip', value: SUBJECT_IP},
        ],
      })
    ).id
    t0 = t()
    const a = await withRequestScope(ctx, access, undefined, (scope) => exportAccess(ctx, scope, join(home, 'export')))
    console.log(`access: ${secs(t() - t0)} (${a.stores.map((s) => `${s.store} ${s.records}`).join(', ')})`)
    const erasure = (
      await openRequest(ctx, {
        type: 'erasure',
        subjects: [
          {type: 'user_id', value: 'subject'},
          {type: 'ip', value: SUBJECT_IP},
        ],
      })
    ).id
    t0 = t()
    const e = await withRequestScope(ctx, erasure, undefined, (scope) => executeErasure(ctx, scope))
    console.log(
      `erasure: ${secs(t() - t0)} (${e.applied.length} steps, ${e.applied.reduce((n, s) => n + s.changed, 0)} records changed, status ${e.status})`,
    )
  })
  // Indexed-store lookup alone (the < 1 s target): the SQLite part of a search.
  const db = new Database(join(dir, 'node.db'), {readonly: true})
  t0 = t()
  db.prepare('SELECT * FROM sessions WHERE identity = ? OR remote_ip = ?').all('user4242', '10.0.16.146')
  db.prepare('SELECT * FROM qoe_samples WHERE identity = ?').all('user4242')
  console.log(`indexed lookup (sessions + qoe_samples): ${(t() - t0).toFixed(1)} ms`)
  db.close()
}
