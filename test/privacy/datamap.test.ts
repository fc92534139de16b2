// test-kind: unit
// Bad datamaps get one sentence naming file, line and key; IP handling used by matching and truncation.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {parseDatamap} from '../../src/privacy/datamap-parse.js'
import {canonicalIp, truncateIp} from '../../src/privacy/ip-address.js'
import {BadInputError} from '../../src/errors.js'

const GOOD = `version: 1
stores:
  db:
    kind: sqlite
    connection: {path: /tmp/x.db}
    collections:
      users:
        table: users
        key: id
        purpose: accounts
        legal_basis: 6(1)(b)
        source: the user
        retention: {period: 365d+90d, from: last_login}
        erasure: {strategy: pseudonymise}
        fields:
          id: {category: identity.user_id}
          email: {category: contact.email, identifies: email}
      rooms:
        table: rooms
        purpose: rooms
        legal_basis: e
        source: the owner
        retention: {period: 6mo, from: created_at}
        erasure: {strategy: delete}
        fields:
          owner_id: {category: identity.user_id}
references:
  - db.rooms.owner_id -> db.users.id
`

function fails(text: string, pattern: RegExp): void {
  try {
    parseDatamap(text, 'map.yaml', {})
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.match((err as Error).message, pattern)
    assert.not.match((err as Error).message, /\n/) // one sentence, no stack
    return
  }
  assert.unreachable(`accepted: ${pattern}`)
}

test('a good datamap parses with defaults filled in', () => {
  const m = parseDatamap(GOOD, 'map.yaml', {})
  const users = m.stores[0].collections[0]
  assert.is(users.legalBasis, 'b')
  assert.is(users.retention.days, 455)
  assert.equal(users.erasure.fields, ['email'])
  assert.is(m.references[0].to.field, 'id')
})

test('an unknown key names its line', () =>
  fails(
    GOOD.replace('        purpose: rooms', '        purpose: rooms\n        retension: 5d'),
    /map\.yaml:21: 'stores\.db\.collections\.rooms\.retension' is not a known key/,
  ))
test('a bad legal basis is refused', () =>
  fails(
    GOOD.replace('6(1)(b)', '6(1)(z)'),
    /map\.yaml:\d+: 'stores\.db\.collections\.users\.legal_basis' is '6\(1\)\(z\)'/,
  ))
test('a bad strategy is refused', () =>
  fails(GOOD.replace('strategy: delete', 'strategy: shred'), /erasure\.strategy' is 'shred', expected one of/))
test('a reference to a missing collection is refused', () =>
  fails(GOOD.replace('db.users.id', 'db.people.id'), /references\[0\]' names db\.people/))
test('a period that is not one is refused', () =>
  fails(GOOD.replace('6mo', 'half a year'), /retention\.period' is 'half a year'/))
test('keep needs the law', () => fails(GOOD.replace('strategy: delete', 'strategy: keep'), /erasure\.law' is missing/))
test('an unset ${VAR} is named', () =>
  fails(GOOD.replace('/tmp/x.db', '"${NOPE_DIR}/x.db"'), /uses \$\{NOPE_DIR\}, which is not set/))
test('broken YAML names its line', () => fails('version: 1\nstores: [\n', /map\.yaml:\d+: not valid YAML/))
test('a missing field list', () =>
  fails(
    GOOD.replace(
      / {6}rooms:[\s\S]*?owner_id: \{category: identity.user_id\}\n/,
      '      rooms:\n        table: rooms\n',
    ),
    /'stores\.db\.collections\.rooms\.fields' must be a mapping|is missing/,
  ))

test('IPv6 canonical form and anonip-style truncation', () => {
  assert.is(canonicalIp('2001:DB8:0:0:0::7'), '2001:db8::7')
  assert.is(canonicalIp('::ffff:192.0.2.1'), '::ffff:c000:201')
  assert.is(truncateIp('203.0.113.77'), '203.0.113.0')
  assert.is(truncateIp('2001:db8:aa:bb:cc::15'), '2001:db8:aa::')
  assert.is(canonicalIp('not-an-ip'), undefined)
})

test.run()
