// test-kind: e2e
// `retention check` and `retention apply` through the built CLI on a small store set: a
// SQLite table (delete; one restricted and one held record among the old ones), PostgreSQL
// accounts (pseudonymise) plus a `keep` collection, and a JSON-lines access log
// (truncate-ip), each with records older and newer than their retention period.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, tempHome} from './helpers.js'

const PG = 'postgres://postgres@127.0.0.1:5432/test'
const DAY = 86_400_000
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString()

function datamap(home: string, schema: string, period = '30d'): string {
  return `version: 1
stores:
  app:
    kind: sqlite
    connection: {path: "${join(home, 'app.db')}"}
    collections:
      sessions:
        table: sessions
        key: id
        purpose: conference sessions
        legal_basis: e
        source: the participant
        retention: {period: ${period}, from: joined_at}
        erasure: {strategy: delete}
        fields:
          id: {category: technical.session_id}
          user: {category: identity.user_id, identifies: user_id}
          joined_at: {category: meeting.metadata}
  accounts:
    kind: postgres
    connection: {url: "${PG}", schema: ${schema}}
    collections:
      accounts:
        table: accounts
        key: id
        purpose: accounts
        legal_basis: b
        source: the user
        retention: {period: 1y, from: last_login_at}
        erasure: {strategy: pseudonymise}
        fields:
          id: {category: identity.user_id}
          email: {category: contact.email, identifies: email}
          name: {category: identity.name, identifies: display_name}
          last_login_at: {category: account.activity}
      invoices:
        table: invoices
        key: id
        purpose: billing
        legal_basis: c
        source: billing
        retention: {period: 30d, from: issued_at}
        erasure: {strategy: keep, law: "§ 147 AO (10 years)"}
        fields:
          email: {category: contact.email, identifies: email}
          issued_at: {category: billing.date}
  web:
    kind: jsonl
    collections:
      access:
        path: "${join(home, 'access.log')}"
        purpose: security
        legal_basis: f
        source: the device
        retention: {period: 7d, from: time}
        erasure: {strategy: truncate-ip}
        fields:
          time: {category: network.access_time}
          ip: {category: network.ip, identifies: ip}
`
}

test('check fails on overdue records; apply plans without change, executes exactly, keeps held and restricted; check then passes', async () => {
  const home = tempHome('confctl-retention-')
  const schema = `t_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({connectionString: PG})
  await client.connect()
  try {
    await client.query(`CREATE SCHEMA ${schema};
      CREATE TABLE ${schema}.accounts (id INT PRIMARY KEY, email TEXT, name TEXT, last_login_at TIMESTAMPTZ);
      CREATE TABLE ${schema}.invoices (id INT PRIMARY KEY, email TEXT, issued_at TIMESTAMPTZ)`)
    await client.query(
      `INSERT INTO ${schema}.accounts VALUES (1, 'old1@example.org', 'Old One', $1), (2, 'old2@example.org', 'Old Two', $1), (3, 'new@example.org', 'New', $2)`,
      [ago(400), ago(10)],
    )
    await client.query(`INSERT INTO ${schema}.invoices VALUES (1, 'old1@example.org', $1)`, [ago(400)])
    const db = new Database(join(home, 'app.db'))
    db.exec('CREATE TABLE sessions (id TEXT PRIMARY KEY, user TEXT NOT NULL, joined_at TEXT NOT NULL)')
    const ins = db.prepare('INSERT INTO sessions VALUES (?, ?, ?)')
    ins.run('s1', 'anna', ago(60))
    ins.run('s2', 'bob', ago(60)) // restricted (Art. 18)
    ins.run('s3', 'carl', ago(60)) // under a legal hold
    ins.run('s4', 'dora', ago(1))
    db.close()
    const line = (days: number, ip: string) => JSON.stringify({time: ago(days), method: 'GET', path: '/', ip})
    const logFile = join(home, 'access.log')
    const newLines = [line(1, '198.51.100.23'), line(2, '2001:db8:1:2::7')]
    writeFileSync(logFile, [line(20, '203.0.113.77'), line(30, '192.0.2.45'), ...newLines].join('\n') + '\n')
    const file = join(home, 'datamap.yaml')
    writeFileSync(file, datamap(home, schema))

    const restrict = await cli(home, [
      'dsar',
      'open',
      '--type',
      'restriction',
      '--subject',
      'user_id=bob',
      '--datamap',
      file,
      '--json',
    ])
    assert.is(restrict.exitCode, 0, restrict.stderr)
    assert.is((await cli(home, ['dsar', 'restrict', restrict.json.id, '--json'])).exitCode, 0)
    const hold = await cli(home, [
      'hold',
      'add',
      '--store',
      'app',
      '--collection',
      'sessions',
      '--subject',
      'user_id=carl',
      '--reason',
      'court case 12/26',
      '--datamap',
      file,
      '--json',
    ])
    assert.is(hold.exitCode, 0, hold.stderr)

    // check: overdue counts, exit 1
    const check = await cli(home, ['retention', 'check', '--datamap', file, '--json'])
    assert.is(check.exitCode, 1, check.stderr)
    assert.is(check.json.passed, false)
    const coll = (r: any, s: string, c: string) =>
      r.stores.find((x: any) => x.store === s).collections.find((x: any) => x.collection === c)
    assert.is(coll(check.json, 'app', 'sessions').overdue, 1)
    assert.is(coll(check.json, 'app', 'sessions').countsFrom, 'joined_at')
    assert.equal(
      coll(check.json, 'app', 'sessions').kept.map((k: any) => k.records),
      [1, 1],
    )
    assert.is(coll(check.json, 'accounts', 'accounts').overdue, 2)
    assert.is(coll(check.json, 'accounts', 'invoices').overdue, 0)
    assert.equal(coll(check.json, 'accounts', 'invoices').kept, [{reason: '§ 147 AO (10 years)', records: 1}])
    assert.is(coll(check.json, 'web', 'access').overdue, 2, 'the first line of the log counts too')
    const human = await cli(home, ['retention', 'check', '--datamap', file])
    assert.match(human.stdout, /app\/sessions: 30d from joined_at .*1 record\(s\) PAST RETENTION/)

    // apply without --execute changes nothing
    const dump = async () => ({
      app: readFileSync(join(home, 'app.db')).toString('hex'),
      log: readFileSync(logFile, 'utf8'),
      pg: (await client.query(`SELECT * FROM ${schema}.accounts ORDER BY id`)).rows,
    })
    const before = await dump()
    const plan = await cli(home, ['retention', 'apply', '--datamap', file, '--json'])
    assert.is(plan.exitCode, 0, plan.stderr)
    assert.is(plan.json.execute, false)
    assert.is(coll(plan.json, 'app', 'sessions').records, 1)
    assert.is(coll(plan.json, 'accounts', 'accounts').action, 'pseudonymise')
    assert.is(coll(plan.json, 'web', 'access').records, 2)
    assert.equal(await dump(), before)

    // apply --execute: exactly the overdue records
    const exec = await cli(home, ['retention', 'apply', '--datamap', file, '--execute', '--json'])
    assert.is(exec.exitCode, 0, exec.stderr)
    assert.is(exec.json.status, 'done')
    const sess = coll(exec.json, 'app', 'sessions')
    assert.is(sess.changed, 1)
    assert.equal(
      sess.skipped.map((k: any) => [k.hold ?? 'restricted', k.keys]).sort(),
      [
        [hold.json.id, ['["s3"]']],
        ['restricted', ['["s2"]']],
      ].sort(),
    )
    assert.ok(sess.skipped.some((k: any) => /Art\. 18/.test(k.reason)))
    assert.is(coll(exec.json, 'accounts', 'accounts').changed, 2)
    assert.is(coll(exec.json, 'accounts', 'invoices').skipped[0].reason, '§ 147 AO (10 years)')
    const db2 = new Database(join(home, 'app.db'), {readonly: true})
    assert.equal(db2.prepare('SELECT id, user FROM sessions ORDER BY id').all(), [
      {id: 's2', user: 'bob'},
      {id: 's3', user: 'carl'},
      {id: 's4', user: 'dora'},
    ])
    db2.close()
    const rows = (await client.query(`SELECT * FROM ${schema}.accounts ORDER BY id`)).rows
    assert.ok(rows[0].email.startsWith('pseud:') && rows[1].name.startsWith('pseud:'), JSON.stringify(rows))
    assert.equal(rows[2], before.pg[2], 'the newer account is untouched')
    const logAfter = readFileSync(logFile, 'utf8').split('\n')
    assert.is(JSON.parse(logAfter[0]).ip, '203.0.113.0')
    assert.is(JSON.parse(logAfter[1]).ip, '192.0.2.0')
    assert.equal(logAfter.slice(2, 4), newLines, 'newer lines byte-identical')

    // check passes afterwards, listing what is kept
    const after = await cli(home, ['retention', 'check', '--datamap', file, '--json'])
    assert.is(after.exitCode, 0, after.stdout)
    assert.is(after.json.passed, true)
    assert.equal(
      coll(after.json, 'app', 'sessions')
        .kept.map((k: any) => k.hold ?? 'restricted')
        .sort(),
      [hold.json.id, 'restricted'].sort(),
    )
    assert.is(coll(after.json, 'accounts', 'accounts').anonymised, 2)
    assert.is(coll(after.json, 'web', 'access').anonymised, 2)

    // the run is audit-logged without personal data, and the chain holds
    assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    const adb = new Database(join(home, 'confctl.db'), {readonly: true})
    const entries = adb.prepare("SELECT details FROM audit_log WHERE event LIKE 'retention.%'").all() as Array<{
      details: string
    }>
    adb.close()
    assert.is(entries.length, 1)
    assert.not.match(entries[0].details, /anna|example\.org|203\.0\.113|s1/)
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  }
})

test('a bad datamap is one sentence and exit 2', async () => {
  const home = tempHome('confctl-retention-')
  const file = join(home, 'datamap.yaml')
  writeFileSync(file, datamap(home, 'nope', 'forever'))
  for (const cmd of ['check', 'apply']) {
    const r = await cli(home, ['retention', cmd, '--datamap', file, '--json'])
    assert.is(r.exitCode, 2, r.stderr)
    assert.is(r.stdout, '')
    assert.is(r.stderr.trim().split('\n').length, 1)
    assert.match(r.stderr, /retention\.period/)
  }
})

test.run()
