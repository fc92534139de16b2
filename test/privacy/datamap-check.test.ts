// test-kind: e2e
// `datamap check` and the cheap part `dsar open` runs, on a Greenlight-like schema in the
// real PostgreSQL, a helpdesk in the real MariaDB, live data in the real Redis and recording
// directories on disk. The issue's reproductions first: a missing table or a misspelt column
// passed `dsar open` and failed later as an unexpected error; a missing child table went
// unnoticed when the subject had no parent rows.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import mysql from 'mysql2/promise'
import pg from 'pg'
import {Redis} from 'ioredis'
import {randomBytes} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, tempHome} from './helpers.js'

const PG = 'postgres://postgres@127.0.0.1:5432/test'
const tag = `dmc_${randomBytes(3).toString('hex')}`
const redisPrefix = `${tag}:`
const files = tempHome('confctl-dmc-files-')
let pgc: pg.Client
let my: mysql.Connection
let redis: Redis

function mapText(o: {
  extraGl?: string
  extraRef?: string
  table?: string
  email?: string
  child?: string
  helpdeskTable?: string
  redisType?: string
}) {
  return `version: 1
stores:
  gl:
    kind: postgres
    connection: {url: "${PG}", schema: ${tag}}
    collections:
      users:
        table: ${o.table ?? 'users'}
        key: id
        purpose: accounts
        legal_basis: e
        source: identity management
        retention: {period: 365d, from: last_login_at}
        erasure: {strategy: delete}
        fields:
          id: {category: identity.user_id, identifies: user_id}
          ${o.email ?? 'email'}: {category: contact.email, identifies: email}
          name: {category: identity.name}
          last_login_at: {category: account.metadata}
      shared:
        table: ${o.child ?? 'shared_accesses'}
        key: id
        purpose: sharing
        legal_basis: e
        source: room owners
        retention: {period: 365d, from: end of the room}
        erasure: {strategy: delete}
        fields:
          id: {category: meeting.metadata}
          user_id: {category: identity.user_id}
${o.extraGl ?? ''}  helpdesk:
    kind: mysql
    connection: {url: "mysql://root@127.0.0.1:3306/${tag}"}
    collections:
      tickets:
        table: ${o.helpdeskTable ?? 'tickets'}
        key: id
        purpose: support
        legal_basis: b
        source: the user
        retention: {period: 2y, from: created_at}
        erasure: {strategy: delete}
        fields:
          id: {category: support.ticket}
          email: {category: contact.email, identifies: email}
          created_at: {category: support.metadata}
  live:
    kind: redis
    connection: {url: "redis://127.0.0.1:6379/0"}
    collections:
      meetings:
        pattern: "${redisPrefix}meeting:{meeting_id}"
        type: ${o.redisType ?? 'hash'}
        purpose: running meetings
        legal_basis: e
        source: the meeting
        retention: {period: 1d, from: end of the meeting}
        erasure: {strategy: delete}
        fields:
          meeting_id: {category: meeting.id}
          moderator: {category: identity.name, identifies: display_name}
  recordings:
    kind: directory
    collections:
      raw:
        directory: ${join(files, 'raw')}
        name: "{record_id}.webm"
        purpose: recordings
        legal_basis: e
        source: the meeting
        retention: {period: 14d, from: mtime}
        erasure: {strategy: delete}
        fields:
          record_id: {category: meeting.recording}
references:
  - gl.shared.user_id -> gl.users.id
${o.extraRef ?? ''}`
}

function writeMap(home: string, text: string): string {
  const file = join(home, 'map.yaml')
  writeFileSync(file, text)
  return file
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

test.before(async () => {
  pgc = new pg.Client({connectionString: PG})
  await pgc.connect()
  await pgc.query(`CREATE SCHEMA ${tag}`)
  await pgc.query(`CREATE TABLE ${tag}.users (id bigint PRIMARY KEY, email varchar NOT NULL, name text, last_login_at timestamptz,
      password_digest text, session_token text);
    CREATE INDEX users_email ON ${tag}.users (email);
    CREATE TABLE ${tag}.shared_accesses (id bigint PRIMARY KEY, user_id bigint REFERENCES ${tag}.users(id), room_id bigint);
    INSERT INTO ${tag}.users VALUES (1, 'anna@example.org', 'Anna', now(), 'x', 'y');`)
  my = await mysql.createConnection({uri: 'mysql://root@127.0.0.1:3306', multipleStatements: true})
  await my.query(`CREATE DATABASE ${tag}; CREATE TABLE ${tag}.tickets (id int PRIMARY KEY, email varchar(200), created_at datetime,
      INDEX tickets_email (email)) COLLATE utf8mb4_general_ci`)
  redis = new Redis('redis://127.0.0.1:6379/0')
  await redis.hset(`${redisPrefix}meeting:m1`, {moderator: 'Anna', started: '2026-11-30T10:00:00Z'})
  mkdirSync(join(files, 'raw'))
  writeFileSync(join(files, 'raw', 'r1.webm'), 'x')
})

test.after(async () => {
  await pgc.query(`DROP SCHEMA ${tag} CASCADE`)
  await pgc.end()
  await my.query(`DROP DATABASE ${tag}`)
  await my.end()
  await redis.del(`${redisPrefix}meeting:m1`)
  redis.disconnect()
})

test('a datamap that matches: exit 0, unindexed lookup columns get the CREATE INDEX', async () => {
  const home = tempHome()
  const r = await cli(home, ['datamap', 'check', '--datamap', writeMap(home, mapText({})), '--json'])
  assert.is(r.exitCode, 0, r.stdout + r.stderr)
  assert.is(r.json.ok, true)
  const byStore = Object.fromEntries(r.json.stores.map((s: {store: string}) => [s.store, s]))
  assert.equal(byStore.gl.checked, ['users', 'shared'])
  // users.email has a plain index on a case-sensitive column; shared.user_id (reference) has none.
  assert.equal(
    byStore.gl.lookups.find((l: {field: string}) => l.field === 'email'),
    {collection: 'users', field: 'email', mode: 'exact-and-lower', index: 'users_email'},
  )
  assert.is(byStore.helpdesk.lookups[0].mode, 'db-folds') // utf8mb4_general_ci compares without case
  const ref = r.json.findings.find((f: {key: string}) => f.key === 'stores.gl.collections.shared.fields.user_id')
  assert.is(ref.level, 'warning')
  assert.match(
    ref.message,
    /reference gl\.shared\.user_id -> gl\.users\.id, but .*shared_accesses\.user_id has no index/,
  )
  assert.is(ref.fix, `CREATE INDEX shared_accesses_user_id_idx ON ${tag}.shared_accesses (user_id);`)
  const email = r.json.findings.find((f: {key: string}) => f.key === 'stores.gl.collections.users.fields.email')
  assert.is(email.fix, `CREATE INDEX users_lower_email_idx ON ${tag}.users (lower(email));`)
  const text = await cli(home, ['datamap', 'check', '--datamap', join(home, 'map.yaml')])
  assert.match(text.stdout, /warning: datamap .*map\.yaml:\d+: 'stores\.gl\.collections\.shared\.fields\.user_id'/)
  assert.match(text.stdout, /datamap matches the stores: \d+ warning\(s\)\./)
})

test('with an index on lower(email) the lookup uses it and the warning goes away', async () => {
  await pgc.query(`CREATE INDEX users_lower_email ON ${tag}.users (lower(email))`)
  try {
    const home = tempHome()
    const r = await cli(home, ['datamap', 'check', '--datamap', writeMap(home, mapText({})), '--json'])
    const gl = r.json.stores.find((s: {store: string}) => s.store === 'gl')
    assert.equal(
      gl.lookups.find((l: {field: string}) => l.field === 'email'),
      {
        collection: 'users',
        field: 'email',
        mode: 'lower-index',
        index: 'users_lower_email',
      },
    )
    assert.not.ok(r.json.findings.some((f: {key: string}) => f.key.endsWith('users.fields.email')))
  } finally {
    await pgc.query(`DROP INDEX ${tag}.users_lower_email`)
  }
})

test('issue reproduction: a missing table is refused by dsar open with file:line:key (exit 2)', async () => {
  const home = tempHome()
  const text = mapText({child: 'shared_access'})
  const r = await cli(home, [
    'dsar',
    'open',
    '--type',
    'access',
    '--subject',
    'email=anna@example.org',
    '--datamap',
    writeMap(home, text),
  ])
  assert.is(r.exitCode, 2, r.stderr)
  assert.match(
    r.stderr,
    `map.yaml:${lineOf(text, 'table: shared_access')}: 'stores.gl.collections.shared.table' names table '${tag}.shared_access', which does not exist in schema ${tag} of store 'gl' (did you mean 'shared_accesses'?)`,
  )
  assert.not.match(r.stderr, /unexpected|internal error/)
  const list = await cli(home, ['dsar', 'list', '--json'])
  assert.equal(list.json.requests ?? [], [], 'nothing was recorded')
  const check = await cli(home, ['datamap', 'check', '--datamap', join(home, 'map.yaml')])
  assert.is(check.exitCode, 1, check.stdout)
  assert.match(check.stdout, /datamap check FAILED: 1 error\(s\)/)
})

test('issue reproduction: a misspelt column is refused by dsar open, naming the field and the column it resembles', async () => {
  const home = tempHome()
  const text = mapText({email: 'emial'})
  const r = await cli(home, [
    'dsar',
    'open',
    '--type',
    'access',
    '--subject',
    'email=anna@example.org',
    '--datamap',
    writeMap(home, text),
  ])
  assert.is(r.exitCode, 2, r.stderr)
  assert.match(
    r.stderr,
    `map.yaml:${lineOf(text, 'emial:')}: 'stores.gl.collections.users.fields.emial' names column 'emial', which is not a column of ${tag}.users (did you mean 'email'?)`,
  )
})

test('issue reproduction: a missing child table is found although the subject has no parent rows', async () => {
  const home = tempHome()
  const file = writeMap(home, mapText({child: 'shared_grants'}))
  // Bob has no users row, so a search never reaches the child table; the check does not search.
  const r = await cli(home, [
    'dsar',
    'open',
    '--type',
    'access',
    '--subject',
    'email=bob@example.org',
    '--datamap',
    file,
  ])
  assert.is(r.exitCode, 2)
  assert.match(
    r.stderr,
    /'stores\.gl\.collections\.shared\.table' names table '[\w.]+shared_grants', which does not exist/,
  )
  const check = await cli(home, ['datamap', 'check', '--datamap', file, '--json'])
  assert.is(check.exitCode, 1)
  assert.equal(
    check.json.findings.filter((f: {level: string}) => f.level === 'error').map((f: {key: string}) => f.key),
    ['stores.gl.collections.shared.table'],
  )
})

test('a column renamed after dsar open: access and verify exit 2 naming file:line:key, not an unexpected error', async () => {
  const home = tempHome()
  const text = mapText({})
  const file = writeMap(home, text)
  const open = await cli(home, [
    'dsar',
    'open',
    '--type',
    'erasure',
    '--subject',
    'email=anna@example.org',
    '--datamap',
    file,
    '--json',
  ])
  assert.is(open.exitCode, 0, open.stderr)
  await pgc.query(`ALTER TABLE ${tag}.users RENAME COLUMN name TO full_name`)
  try {
    for (const args of [
      ['dsar', 'erase', open.json.id],
      ['dsar', 'verify', open.json.id],
    ]) {
      const r = await cli(home, args)
      assert.is(r.exitCode, 2, r.stderr)
      assert.match(
        r.stderr,
        `map.yaml:${lineOf(text, '  name: {category: identity.name}')}: 'stores.gl.collections.users.fields.name' names column 'name', which is not a column of ${tag}.users;`,
      )
      assert.not.match(r.stderr, /unexpected|internal error/)
    }
  } finally {
    await pgc.query(`ALTER TABLE ${tag}.users RENAME COLUMN full_name TO name`)
  }
})

test('MariaDB: a missing table is an error; Redis: a value of the wrong type is an error', async () => {
  const home = tempHome()
  const r = await cli(home, [
    'datamap',
    'check',
    '--json',
    '--datamap',
    writeMap(home, mapText({helpdeskTable: 'ticket', redisType: 'json'})),
  ])
  assert.is(r.exitCode, 1, r.stderr)
  const errors = r.json.findings.filter((f: {level: string}) => f.level === 'error')
  assert.equal(
    errors.map((f: {key: string}) => f.key),
    ['stores.helpdesk.collections.tickets.table', 'stores.live.collections.meetings.type'],
  )
  assert.match(errors[0].message, /names table 'ticket', which does not exist .*\(did you mean 'tickets'\?\)/)
  assert.match(errors[1].message, new RegExp(`is 'json', but key ${redisPrefix}meeting:m1 holds a Redis hash`))
})

test('a recordings directory that does not exist is an error; dsar open refuses it too', async () => {
  const home = tempHome()
  const file = writeMap(home, mapText({}).replace(join(files, 'raw'), join(files, 'rwa')))
  const r = await cli(home, ['datamap', 'check', '--datamap', file, '--json'])
  assert.is(r.exitCode, 1)
  assert.equal(
    r.json.findings.filter((f: {level: string}) => f.level === 'error').map((f: {key: string}) => f.key),
    ['stores.recordings.collections.raw.directory'],
  )
  const open = await cli(home, ['dsar', 'open', '--type', 'access', '--subject', 'email=a@b.de', '--datamap', file])
  assert.is(open.exitCode, 2)
})

test('a store that cannot be reached: exit 3 after checking the others; dsar open warns and records', async () => {
  const home = tempHome()
  const file = writeMap(home, mapText({}).replace('127.0.0.1:3306', '127.0.0.1:1'))
  const r = await cli(home, ['datamap', 'check', '--datamap', file, '--json'])
  assert.is(r.exitCode, 3, r.stdout + r.stderr)
  const helpdesk = r.json.stores.find((s: {store: string}) => s.store === 'helpdesk')
  assert.is(helpdesk.reachable, false)
  assert.equal(r.json.stores.find((s: {store: string}) => s.store === 'gl').checked, ['users', 'shared'])
  const open = await cli(home, ['dsar', 'open', '--type', 'access', '--subject', 'email=a@b.de', '--datamap', file])
  assert.is(open.exitCode, 0, open.stderr)
  assert.match(open.stderr, /warning: store 'helpdesk' \(mysql\) cannot be reached/)
})

test('a reference between a uuid and a bigint column is an error on PostgreSQL (the walk would fail on it)', async () => {
  await pgc.query(`CREATE TABLE ${tag}.invites (id bigint PRIMARY KEY, user_ref uuid)`)
  try {
    const home = tempHome()
    const text = mapText({
      extraGl: `      invites:
        table: invites
        key: id
        purpose: invitations
        legal_basis: e
        source: room owners
        retention: {period: 30d, from: end of the invitation}
        erasure: {strategy: delete}
        fields:
          user_ref: {category: identity.user_id}
`,
      extraRef: '  - gl.invites.user_ref -> gl.users.id\n',
    })
    const r = await cli(home, ['datamap', 'check', '--json', '--datamap', writeMap(home, text)])
    assert.is(r.exitCode, 1, r.stdout + r.stderr)
    const f = r.json.findings.find((x: {key: string}) => x.key === 'references[1]')
    assert.ok(f, JSON.stringify(r.json.findings))
    assert.is(f.level, 'error')
    assert.match(f.message, /compares [\w.]+invites\.user_ref \(uuid\) with [\w.]+users\.id \(bigint\)/)
    assert.ok(f.at.endsWith(`map.yaml:${lineOf(text, 'gl.invites.user_ref')}`), f.at)
  } finally {
    await pgc.query(`DROP TABLE ${tag}.invites`)
  }
})

test('an event in words that is really a column not listed under fields is an error', async () => {
  await pgc.query(`ALTER TABLE ${tag}.users ADD COLUMN deactivated timestamptz`)
  try {
    const home = tempHome()
    const text = mapText({}).replace('from: last_login_at}', 'from: deactivated}')
    const r = await cli(home, ['datamap', 'check', '--json', '--datamap', writeMap(home, text)])
    assert.is(r.exitCode, 1)
    const f = r.json.findings.find((x: {level: string}) => x.level === 'error')
    assert.is(f.key, 'stores.gl.collections.users.retention.from')
    assert.match(
      f.message,
      /names column 'deactivated', which is not listed under fields, so retention cannot be checked/,
    )
  } finally {
    await pgc.query(`ALTER TABLE ${tag}.users DROP COLUMN deactivated`)
  }
})

test('logs: a missing directory is an error, no file yet is a warning; Redis: a field in no sampled value is a warning', async () => {
  const home = tempHome()
  const logs = (dir: string) => `  weblog:
    kind: combined-log
    collections:
      access:
        path: ${dir}/access.log*
        purpose: delivery
        legal_basis: f
        source: the browser
        retention: {period: 7d, from: time}
        erasure: {strategy: truncate-ip}
        fields:
          ip: {category: network.ip, identifies: ip}
`
  const text = mapText({})
    .replace('references:', `${logs(join(files, 'nginx'))}references:`)
    .replace(
      'moderator: {category: identity.name, identifies: display_name}',
      'moderator: {category: identity.name, identifies: display_name}\n          moderatr_email: {category: contact.email}',
    )
  const r = await cli(home, ['datamap', 'check', '--json', '--datamap', writeMap(home, text)])
  assert.is(r.exitCode, 1)
  const f = (key: string) => r.json.findings.find((x: {key: string}) => x.key === key)
  assert.is(f('stores.weblog.collections.access.path').level, 'error')
  assert.match(f('stores.weblog.collections.access.path').message, /nginx, which does not exist/)
  assert.is(f('stores.live.collections.meetings.fields.moderatr_email').level, 'warning')
  mkdirSync(join(files, 'nginx'))
  const again = await cli(home, ['datamap', 'check', '--json', '--datamap', join(home, 'map.yaml')])
  assert.is(again.exitCode, 0, again.stdout)
  assert.match(
    again.json.findings.find((x: {key: string}) => x.key === 'stores.weblog.collections.access.path').message,
    /matches no file in .*nginx yet/,
  )
})

test('retention check on a table that does not exist: exit 2 naming the collection', async () => {
  const home = tempHome()
  const r = await cli(home, ['retention', 'check', '--datamap', writeMap(home, mapText({table: 'user'}))])
  assert.is(r.exitCode, 2, r.stdout + r.stderr)
  assert.match(
    r.stderr,
    /map\.yaml:\d+: 'stores\.gl\.collections\.users' does not match the postgres store \(relation "[\w.]+user" does not exist\)/,
  )
})

test('a datamap that does not parse: exit 2 with file:line:key', async () => {
  const home = tempHome()
  const text = mapText({}).replace('erasure: {strategy: delete}', 'erasure: {strategy: null}')
  const r = await cli(home, ['datamap', 'check', '--datamap', writeMap(home, text)])
  assert.is(r.exitCode, 2)
  assert.match(
    r.stderr,
    /map\.yaml:\d+: 'stores\.gl\.collections\.users\.erasure\.strategy' is YAML's null .* quote it: 'null'/,
  )
})

test.run()
