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
          last_login: {category: account.metadata}
      rooms:
        table: rooms
        purpose: rooms
        legal_basis: e
        source: the owner
        retention: {period: 6mo, from: created_at}
        erasure: {strategy: delete}
        fields:
          owner_id: {category: identity.user_id}
          created_at: {category: meeting.metadata}
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
    /map\.yaml:22: 'stores\.db\.collections\.rooms\.retension' is not a known key/,
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
      / {6}rooms:[\s\S]*?owner_id: \{category: identity.user_id\}\n.*\n/,
      '      rooms:\n        table: rooms\n',
    ),
    /'stores\.db\.collections\.rooms\.fields' must be a mapping|is missing/,
  ))

// Scalar mistakes: YAML reads an unquoted null/~ or an empty value as "no value", 007 as 7.
test('unquoted strategy: null is named as YAML null, with the fix', () =>
  fails(
    GOOD.replace('strategy: pseudonymise', 'strategy: null'),
    /map\.yaml:14: 'stores\.db\.collections\.users\.erasure\.strategy' is YAML's null \(an unquoted null\), not the text 'null'; quote it: 'null'/,
  ))
test("quoted strategy: 'null' is the null strategy", () => {
  const m = parseDatamap(GOOD.replace('strategy: pseudonymise', "strategy: 'null'"), 'map.yaml', {})
  assert.is(m.stores[0].collections[0].erasure.strategy, 'null')
})
test('~ and an empty value are not "missing"', () => {
  fails(
    GOOD.replace('table: users', 'table: ~'),
    /'stores\.db\.collections\.users\.table' is YAML's null \(an unquoted ~\)/,
  )
  fails(
    GOOD.replace('purpose: rooms', 'purpose:'),
    /map\.yaml:2\d: 'stores\.db\.collections\.rooms\.purpose' has no value/,
  )
  fails(GOOD.replace('identifies: email', 'identifies: null'), /fields\.email\.identifies' is YAML's null/)
})
test('an optional key written as null is not given', () => {
  const m = parseDatamap(GOOD.replace('source: the owner', 'source: the owner\n        legal_note: ~'), 'map.yaml', {})
  assert.is(m.stores[0].collections[1].legalNote, undefined)
})
test('a name YAML would read as a number stays as written', () => {
  const m = parseDatamap(GOOD.replace('table: rooms', 'table: 007').replace('key: id', 'key: 1.10'), 'map.yaml', {})
  assert.is(m.stores[0].collections[1].locator.table, '007')
  assert.equal(m.stores[0].collections[0].locator.key, ['1.10'])
})
test('a typo in retention.from is an error naming the field it resembles', () =>
  fails(
    GOOD.replace('from: last_login}', 'from: last_logn}'),
    /map\.yaml:13: 'stores\.db\.collections\.users\.retention\.from' is 'last_logn', which is not a field of this collection \(did you mean 'last_login'\?\)/,
  ))
test('a field-like retention.from that is not listed under fields is an error', () =>
  fails(
    GOOD.replace('from: created_at}', 'from: closed_at}'),
    /rooms\.retention\.from' is 'closed_at', which is not a field/,
  ))
test('retention.from describing an event in words is accepted', () => {
  const m = parseDatamap(GOOD.replace('from: created_at}', 'from: end of the meeting}'), 'map.yaml', {})
  assert.is(m.stores[0].collections[1].retention.from, 'end of the meeting')
})
test('export must be true or false', () => {
  fails(
    GOOD.replace('id: {category: identity.user_id}', 'id: {category: identity.user_id, export: yes}'),
    /fields\.id\.export' is 'yes', expected true or false/,
  )
  const m = parseDatamap(
    GOOD.replace('{category: account.metadata}', '{category: account.metadata, export: false}'),
    'map.yaml',
    {},
  )
  assert.is(m.stores[0].collections[0].fields.find((f) => f.name === 'last_login')?.export, false)
})

test('IPv6 canonical form and anonip-style truncation', () => {
  assert.is(canonicalIp('2001:DB8:0:0:0::7'), '2001:db8::7')
  assert.is(canonicalIp('::ffff:192.0.2.1'), '192.0.2.1') // IPv4-mapped: the IPv4 address
  assert.is(truncateIp('203.0.113.77'), '203.0.113.0')
  assert.is(truncateIp('2001:db8:aa:bb:cc::15'), '2001:db8:aa::')
  assert.is(canonicalIp('not-an-ip'), undefined)
})

test.run()
