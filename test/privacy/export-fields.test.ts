// test-kind: e2e
// Minimal access exports on a Greenlight-like schema in the real PostgreSQL: the issue found
// `password_digest`, `session_token` and `reset_digest` in the subject's ZIP (SELECT *), and
// shared-access rows exporting other users' ids.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {cli, tempHome} from './helpers.js'

const PG = 'postgres://postgres@127.0.0.1:5432/test'
const tag = `dmc_${randomBytes(3).toString('hex')}`
let pgc: pg.Client

const MAP = `version: 1
stores:
  gl:
    kind: postgres
    connection: {url: "${PG}", schema: ${tag}}
    collections:
      users:
        table: users
        key: id
        purpose: accounts
        legal_basis: e
        source: identity management
        retention: {period: 1y, from: end of the account}
        erasure: {strategy: delete}
        fields:
          id: {category: identity.user_id}
          email: {category: contact.email, identifies: email}
          name: {category: identity.name}
          password_digest: {category: account.credential}
          api_token: {category: account.credential, export: true}
          provider: {category: account.metadata, export: false}
      rooms:
        table: rooms
        key: id
        purpose: rooms
        legal_basis: e
        source: room owners
        retention: {period: 1y, from: end of the room}
        erasure: {strategy: delete}
        fields:
          id: {category: meeting.id}
          user_id: {category: identity.user_id}
          name: {category: meeting.metadata}
      shared:
        table: shared_accesses
        key: id
        purpose: sharing rooms
        legal_basis: e
        source: room owners
        retention: {period: 1y, from: end of the room}
        erasure: {strategy: delete}
        fields:
          user_id: {category: identity.user_id}
          room_id: {category: meeting.id}
      members:
        table: members
        key: [room_id, user_id]
        purpose: room membership
        legal_basis: e
        source: room owners
        retention: {period: 1y, from: end of the room}
        erasure: {strategy: delete}
        fields:
          role: {category: meeting.role}
references:
  - gl.members.room_id -> gl.rooms.id
  - gl.members.user_id -> gl.users.id
  - gl.rooms.user_id -> gl.users.id
  - gl.shared.user_id -> gl.users.id
  - gl.shared.room_id -> gl.rooms.id
`

test.before(async () => {
  pgc = new pg.Client({connectionString: PG})
  await pgc.connect()
  await pgc.query(`CREATE SCHEMA ${tag};
    CREATE TABLE ${tag}.users (id int PRIMARY KEY, email text, name text, provider text, password_digest text,
      session_token text, reset_digest text, api_token text);
    CREATE TABLE ${tag}.rooms (id int PRIMARY KEY, user_id int REFERENCES ${tag}.users(id), name text, secret_pin text);
    CREATE TABLE ${tag}.shared_accesses (id int PRIMARY KEY, user_id int REFERENCES ${tag}.users(id), room_id int REFERENCES ${tag}.rooms(id));
    INSERT INTO ${tag}.users VALUES (1, 'anna@example.org', 'Anna', 'local', 'pw-anna', 'sess-anna', 'reset-anna', 'api-anna'),
                                    (2, 'bob@example.org', 'Bob', 'local', 'pw-bob', 'sess-bob', 'reset-bob', 'api-bob');
    INSERT INTO ${tag}.rooms VALUES (10, 1, 'Anna''s room', '1234'), (20, 2, 'Bob''s room', '5678');
    -- Bob may use Anna's room (found through the room: Bob's id must not be exported);
    -- Anna may use Bob's room (found through Anna: her id is hers, Bob's room id is not).
    INSERT INTO ${tag}.shared_accesses VALUES (100, 2, 10), (101, 1, 20);
    CREATE TABLE ${tag}.members (room_id int, user_id int, role text, PRIMARY KEY (room_id, user_id));
    INSERT INTO ${tag}.members VALUES (10, 1, 'owner'), (10, 2, 'guest');`)
})

test.after(async () => {
  await pgc.query(`DROP SCHEMA ${tag} CASCADE`)
  await pgc.end()
})

test('the export holds declared fields and keys only, no secrets, no other people ids', async () => {
  const home = tempHome()
  const file = join(home, 'map.yaml')
  writeFileSync(file, MAP)
  const open = await cli(home, [
    'dsar',
    'open',
    '--type',
    'access',
    '--subject',
    'email=Anna@Example.org',
    '--datamap',
    file,
    '--json',
  ])
  assert.is(open.exitCode, 0, open.stderr)
  const out = join(home, 'export')
  const r = await cli(home, ['dsar', 'access', open.json.id, '--out', out])
  assert.is(r.exitCode, 0, r.stderr)
  const text = readFileSync(join(out, 'stores', 'gl.json'), 'utf8')
  for (const leak of ['pw-anna', 'sess-anna', 'reset-anna', 'password_digest', 'session_token', 'reset_digest', '1234'])
    assert.not.ok(text.includes(leak), `${leak} is in the export`)
  const doc = JSON.parse(text) as {
    collections: Array<{collection: string; records: Array<{key: string; data: object; withheld?: string[]}>}>
  }
  const coll = (name: string) => doc.collections.find((c) => c.collection === name)!.records
  // Declared, not a secret name: exported; a secret with export: true: exported; export: false: not.
  assert.equal(coll('users'), [
    {key: '[1]', via: ['email'], data: {id: 1, email: 'anna@example.org', name: 'Anna', api_token: 'api-anna'}},
  ] as unknown)
  assert.equal(
    coll('rooms').map((x) => x.data),
    [{id: 10, user_id: 1, name: "Anna's room"}],
  )
  const shared = Object.fromEntries(coll('shared').map((x) => [x.key, x]))
  // Bob's share of Anna's room: the room is hers, Bob's id is withheld (the key column stays).
  assert.equal(shared['[100]'].data, {id: 100, room_id: 10})
  assert.equal(shared['[100]'].withheld, ['user_id'])
  // Anna's share of Bob's room: her id is hers, Bob's room id is withheld.
  assert.equal(shared['[101]'].data, {id: 101, user_id: 1})
  assert.equal(shared['[101]'].withheld, ['room_id'])
  // A membership keyed by (room_id, user_id): Bob's id is blanked in the key too.
  assert.equal(
    coll('members')
      .map((x) => [x.key, x.data, x.withheld])
      .sort(),
    [
      ['[10,1]', {room_id: 10, user_id: 1, role: 'owner'}, undefined],
      ['[10,null]', {room_id: 10, role: 'guest'}, ['user_id']],
    ],
  )
  assert.not.ok(text.includes('"bob'), 'nothing of Bob')
  assert.match(
    readFileSync(join(out, 'summary.txt'), 'utf8'),
    /Passwords, tokens and other credentials are not included/,
  )
})

test.run()
