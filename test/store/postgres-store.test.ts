// test-kind: e2e
// confctl's own store on PostgreSQL (CONFCTL_STORE_URL): the register, holds and the audit
// chain work the same as on SQLite. Uses its own schema and drops it afterwards.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {cli, seedNode, tempHome} from '../privacy/helpers.js'

const URL = 'postgres://postgres@127.0.0.1:5432/test'

test('register, hold and audit on PostgreSQL', async () => {
  const schema = `s_${randomBytes(4).toString('hex')}`
  const env = {CONFCTL_STORE_URL: URL, CONFCTL_STORE_SCHEMA: schema}
  const home = tempHome()
  seedNode(home)
  try {
    const open = await cli(home, ['dsar', 'open', '--type', 'erasure', '--subject', 'user_id=anna', '--json'], env)
    assert.is(open.exitCode, 0, open.stderr)
    const list = await cli(home, ['dsar', 'list', '--json'], env)
    assert.equal(
      list.json.requests.map((r: {id: string}) => r.id),
      [open.json.id],
    )
    const hold = await cli(
      home,
      ['hold', 'add', '--store', 'node-edge1', '--reason', 'incident 2026-113', '--json'],
      env,
    )
    assert.is(hold.exitCode, 0, hold.stderr)
    const erase = await cli(home, ['dsar', 'erase', open.json.id, '--execute', '--json'], env)
    assert.is(erase.exitCode, 0, erase.stderr)
    assert.ok(erase.json.stores.find((s: {store: string}) => s.store === 'node-edge1').kept.length > 0)
    const audit = await cli(home, ['audit', 'verify', '--json'], env)
    assert.is(audit.exitCode, 0)
    assert.is(audit.json.entries, 4)
  } finally {
    const c = new pg.Client({connectionString: URL})
    await c.connect()
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await c.end()
  }
})

test('an unreachable store URL is exit 3 with one sentence', async () => {
  const r = await cli(tempHome(), ['dsar', 'list'], {CONFCTL_STORE_URL: 'postgres://postgres@127.0.0.1:1/test'})
  assert.is(r.exitCode, 3)
  assert.match(r.stderr, /^confctl: confctl's store at postgres:\/\/postgres@127\.0\.0\.1:1\/test cannot be reached/)
})

test.run()
