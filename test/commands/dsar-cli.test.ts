// test-kind: e2e
// The request lifecycle through the built CLI: resume after a kill in the middle of an
// erasure, a store that is down mid-request, unknown ids, and a tampered audit log.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, seedNode, tempHome} from '../privacy/helpers.js'

const ANNA = ['--subject', 'user_id=anna', '--subject', 'ip=203.0.113.7', '--subject', 'ip=2001:DB8:1:2:0::7']

test('a kill in the middle of an erasure resumes without applying a step twice', async () => {
  const home = tempHome()
  const dir = seedNode(home)
  const bobLines = readFileSync(join(dir, 'access.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('198.51.100.9'))
  const open = await cli(home, ['dsar', 'open', '--type', 'erasure', ...ANNA, '--json'])
  assert.is(open.exitCode, 0, open.stderr)
  const id = open.json.id
  // Killed after step 2 was marked applying, before it ran.
  const killed = await cli(home, ['dsar', 'erase', id, '--execute'], {CONFCTL_TEST_KILL_AT: 'applying:2'})
  assert.is.not(killed.exitCode, 0)
  const mid = await cli(home, ['dsar', 'show', id, '--json'])
  assert.equal(
    mid.json.journal.map((s: {status: string}) => s.status),
    ['done', 'applying', 'planned'],
  )
  // Killed again, this time after step 3 ran but before it was marked done.
  const killed2 = await cli(home, ['dsar', 'erase', id, '--execute'], {CONFCTL_TEST_KILL_AT: 'done:3'})
  assert.is.not(killed2.exitCode, 0)
  const rerun = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
  assert.is(rerun.exitCode, 0, rerun.stderr)
  assert.is(rerun.json.status, 'done')
  const after = await cli(home, ['dsar', 'show', id, '--json'])
  assert.ok(after.json.journal.every((s: {status: string}) => s.status === 'done'))
  assert.is(after.json.journal.length, 3, 'no step was planned twice')
  const ver = await cli(home, ['dsar', 'verify', id, '--json'])
  assert.is(ver.exitCode, 0, ver.stdout)
  // Bob: rows and log lines untouched.
  const db = new Database(join(dir, 'node.db'), {readonly: true})
  assert.equal(db.prepare('SELECT id FROM sessions').all(), [{id: 'p3'}])
  db.close()
  assert.equal(
    readFileSync(join(dir, 'access.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('198.51.100.9')),
    bobLines,
  )
  assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
})

test('a store that is down leaves the request partial; a rerun finishes it', async () => {
  const home = tempHome()
  seedNode(home)
  const schema = `t_${randomBytes(4).toString('hex')}`
  const client = new pg.Client({connectionString: 'postgres://postgres@127.0.0.1:5432/test'})
  await client.connect() // fails the test when PostgreSQL is not running
  try {
    await client.query(
      `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.accounts (id INT PRIMARY KEY, login TEXT); INSERT INTO ${schema}.accounts VALUES (1, 'anna'), (2, 'bob')`,
    )
    const map = (port: number) => `version: 1
stores:
  accounts:
    kind: postgres
    connection: {url: "postgres://postgres@127.0.0.1:${port}/test", schema: ${schema}}
    collections:
      accounts:
        table: accounts
        key: id
        purpose: accounts
        legal_basis: b
        source: the user
        retention: {period: 1y, from: last login}
        erasure: {strategy: delete}
        fields:
          login: {category: identity.login, identifies: user_id}
`
    const file = join(home, 'datamap.yaml')
    writeFileSync(file, map(1)) // nothing listens on port 1
    const open = await cli(home, ['dsar', 'open', '--type', 'erasure', ...ANNA, '--json'])
    const id = open.json.id
    const first = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
    assert.is(first.exitCode, 3, first.stderr)
    assert.match(first.stderr, /partial: accounts/)
    assert.is(first.json.status, 'partial')
    const show = await cli(home, ['dsar', 'show', id, '--json'])
    assert.is(show.json.request.status, 'partial')
    assert.equal(
      show.json.request.stores.map((s: {store: string; status: string}) => `${s.store}:${s.status}`),
      ['accounts:unreachable', 'node-edge1:done', 'node-edge1-log:done'],
    )
    writeFileSync(file, map(5432)) // the store is back
    const second = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
    assert.is(second.exitCode, 0, second.stderr)
    assert.is(second.json.status, 'done')
    const rows = await client.query(`SELECT login FROM ${schema}.accounts ORDER BY id`)
    assert.equal(rows.rows, [{login: 'bob'}])
    assert.is((await cli(home, ['dsar', 'verify', id])).exitCode, 0)
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await client.end()
  }
})

test('unknown request and hold ids are bad input (exit 2, one sentence)', async () => {
  const home = tempHome()
  seedNode(home)
  for (const args of [
    ['dsar', 'show', 'dsr-nope'],
    ['dsar', 'erase', 'dsr-nope'],
    ['dsar', 'verify', 'dsr-nope'],
    ['dsar', 'access', 'dsr-nope', '--out', join(home, 'x')],
    ['hold', 'release', 'hold-nope'],
    ['dsar', 'extend', 'dsr-nope', '--reason', 'x'],
  ]) {
    const r = await cli(home, args)
    assert.is(r.exitCode, 2, args.join(' '))
    assert.match(r.stderr, /^confctl: there is no (request|hold) '(dsr|hold)-nope'/)
    assert.is(r.stderr.trim().split('\n').length, 1)
  }
  const bad = await cli(home, ['dsar', 'open', '--type', 'erasure', '--subject', 'mail=x'])
  assert.is(bad.exitCode, 2)
})

test('an edited, removed or reordered audit entry is detected', async () => {
  const home = tempHome()
  seedNode(home)
  for (let i = 0; i < 3; i++)
    await cli(home, ['dsar', 'open', '--type', 'access', '--subject', `email=p${i}@example.org`])
  assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
  const db = new Database(join(home, 'confctl.db'))
  const tamper = async (sql: string, undo: string) => {
    db.exec(sql)
    const r = await cli(home, ['audit', 'verify', '--json'])
    db.exec(undo)
    return r
  }
  const edited = await tamper(
    "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
    'UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE seq = 1) WHERE seq = 2',
  )
  assert.is(edited.exitCode, 1)
  assert.ok(edited.json.problems.some((p: {seq: number; problem: string}) => p.seq === 2 && /edited/.test(p.problem)))
  const saved = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as Record<string, unknown>
  db.prepare('DELETE FROM audit_log WHERE seq = 2').run()
  const removed = await cli(home, ['audit', 'verify', '--json'])
  assert.is(removed.exitCode, 1)
  db.prepare(
    'INSERT INTO audit_log VALUES (@seq, @at, @actor, @event, @request_id, @subjects, @details, @prev_hash, @hash)',
  ).run(saved)
  assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
  const reordered = await tamper(
    'UPDATE audit_log SET seq = -seq WHERE seq IN (1, 2); UPDATE audit_log SET seq = 2 WHERE seq = -1; UPDATE audit_log SET seq = 1 WHERE seq = -2',
    'UPDATE audit_log SET seq = -seq WHERE seq IN (1, 2); UPDATE audit_log SET seq = 2 WHERE seq = -1; UPDATE audit_log SET seq = 1 WHERE seq = -2',
  )
  assert.is(reordered.exitCode, 1)
  const cut = await tamper('DELETE FROM audit_log WHERE seq = 3', 'SELECT 1')
  assert.is(cut.exitCode, 1)
  assert.match(JSON.stringify(cut.json.problems), /cut off the end/)
  db.close()
})

test.run()
