// Part of `npm run bench:dsar` (run as its own process, so its peak RSS is its own): a
// `retention apply` plan over a Greenlight-like PostgreSQL `users` table with 350,000 overdue
// rows (and 50,000 in retention) in a schema of its own, dropped afterwards. Prints the time
// and the process's peak RSS. BENCH_RETENTION_ROWS shrinks it for a quick run.
import pg from 'pg'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {randomBytes} from 'node:crypto'
import {loadDatamapFile} from '../src/privacy/datamap-load.js'
import {withPrivacy} from '../src/privacy/privacy-context.js'
import {applyRetention} from '../src/privacy/retention-apply.js'

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const OVERDUE = Number(process.env.BENCH_RETENTION_ROWS ?? 350_000)
const schema = `bench_ret_${randomBytes(4).toString('hex')}`
const home = mkdtempSync(join(tmpdir(), 'confctl-bench-retention-'))
process.env.CONFCTL_HOME = home
const client = new pg.Client({connectionString: PG_URL})
await client.connect()
try {
  let t0 = performance.now()
  await client.query(`CREATE SCHEMA ${schema}`)
  await client.query(`SET search_path TO ${schema}`)
  await client.query(`CREATE TABLE users (id uuid PRIMARY KEY, name text NOT NULL, email text NOT NULL, provider text NOT NULL,
    password_digest text, last_login timestamptz, language text NOT NULL, status text DEFAULT 'active')`)
  await client.query(
    `CREATE TABLE rooms (id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users (id), name text NOT NULL)`,
  )
  await client.query(`INSERT INTO users (id, name, email, provider, password_digest, last_login, language)
    SELECT gen_random_uuid(), 'User ' || i, 'user' || i || '@uni.example', 'greenlight', md5(i::text),
      CASE WHEN i <= ${OVERDUE} THEN now() - interval '3 years' ELSE now() END, 'de'
    FROM generate_series(1, ${OVERDUE + 50_000}) AS i`)
  await client.query(`CREATE INDEX users_last_login ON users (last_login)`)
  await client.query(`ANALYZE users`)
  console.log(
    `retention: seeded ${OVERDUE} overdue + 50000 current users in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  )
  const file = join(home, 'datamap.yaml')
  writeFileSync(
    file,
    `version: 1
stores:
  greenlight:
    kind: postgres
    connection: {url: "${PG_URL}", schema: ${schema}}
    collections:
      users:
        table: users
        key: id
        purpose: accounts
        legal_basis: e
        source: the user
        retention: {period: 365d+90d, from: last_login}
        erasure: {strategy: delete}
        fields:
          email: {category: contact.email, identifies: email}
          name: {category: identity.name, identifies: display_name}
          last_login: {category: account.activity}
      rooms:
        table: rooms
        key: id
        purpose: rooms
        legal_basis: e
        source: the owner
        retention: {period: 365d+90d, from: owner's last login}
        erasure: {strategy: delete}
        fields:
          user_id: {category: identity.user_id}
`,
  )
  const map = loadDatamapFile(file)
  const rssBefore = process.memoryUsage().rss
  t0 = performance.now()
  const plan = await withPrivacy((ctx) => applyRetention(ctx, map, false))
  const ms = performance.now() - t0
  const users = plan.stores[0]!.collections.find((c) => c.collection === 'users')!
  const peak = process.resourceUsage().maxRSS * 1024
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`
  console.log(
    `retention plan: ${users.records} overdue users in ${(ms / 1000).toFixed(2)} s, ${users.steps.length} steps, peak RSS ${mb(peak)} (RSS before the plan ${mb(rssBefore)})`,
  )
} finally {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await client.end()
  rmSync(home, {recursive: true, force: true})
}
