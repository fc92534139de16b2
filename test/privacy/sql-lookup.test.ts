// test-kind: e2e
// E-mail lookups that an index can serve, checked with EXPLAIN on the real PostgreSQL and
// MariaDB (the issue: `lower(email) IN (...)` made Greenlight's (email) index useless, a
// sequential scan per collection on 1 M users), and that the connector still finds what it
// must: any spelling when the database can compare without case, and only the listed columns.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import mysql from 'mysql2/promise'
import pg from 'pg'
import Database from 'better-sqlite3'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {readTableCatalog} from '../../src/privacy/connectors/sql-catalog-columns.js'
import {SqlConnector} from '../../src/privacy/connectors/sql-connector.js'
import {openSqlDriver} from '../../src/privacy/connectors/sql-drivers.js'
import {lookupCondition, planLookup} from '../../src/privacy/connectors/sql-lookup.js'
import {parseDatamap} from '../../src/privacy/datamap-parse.js'
import type {StoreDef} from '../../src/privacy/datamap-types.js'
import {BadInputError} from '../../src/errors.js'

const PG = 'postgres://postgres@127.0.0.1:5432/test'
const tag = `dmc_${randomBytes(3).toString('hex')}`
const ROWS = 20_000
let pgc: pg.Client
let my: mysql.Connection

function store(kind: 'postgres' | 'mysql'): StoreDef {
  const url = kind === 'postgres' ? PG : `mysql://root@127.0.0.1:3306/${tag}`
  return parseDatamap(
    `version: 1
stores:
  s:
    kind: ${kind}
    connection: {url: "${url}"${kind === 'postgres' ? `, schema: ${tag}` : ''}}
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
`,
    'map.yaml',
    {},
  ).stores[0]
}

test.before(async () => {
  pgc = new pg.Client({connectionString: PG})
  await pgc.connect()
  await pgc.query(`CREATE SCHEMA ${tag};
    CREATE TABLE ${tag}.users (id bigint PRIMARY KEY, email varchar NOT NULL, provider text, password_digest text);
    INSERT INTO ${tag}.users SELECT i, 'user' || i || '@example.org', 'local', 'secret' FROM generate_series(1, ${ROWS}) i;
    INSERT INTO ${tag}.users VALUES (0, 'anna@example.org', 'local', 'x'), (-1, 'Mixed@Example.org', 'local', 'x');
    CREATE INDEX users_email_provider ON ${tag}.users (email, provider);
    ANALYZE ${tag}.users;`)
  my = await mysql.createConnection({uri: 'mysql://root@127.0.0.1:3306', multipleStatements: true})
  await my.query(`CREATE DATABASE ${tag}; CREATE TABLE ${tag}.users (id int PRIMARY KEY, email varchar(200) NOT NULL,
    password_digest text, INDEX users_email (email)) COLLATE utf8mb4_unicode_ci`)
  const values = Array.from({length: ROWS}, (_, i) => `(${i + 1}, 'user${i + 1}@example.org', 's')`).join(',')
  await my.query(
    `INSERT INTO ${tag}.users VALUES ${values}, (0, 'anna@example.org', 'x'), (-1, 'Mixed@Example.org', 'x'); ANALYZE TABLE ${tag}.users`,
  )
})

test.after(async () => {
  await pgc.query(`DROP SCHEMA ${tag} CASCADE`)
  await pgc.end()
  await my.query(`DROP DATABASE ${tag}`)
  await my.end()
})

async function explain(kind: 'postgres' | 'mysql', value: string): Promise<{mode: string; plan: string}> {
  const s = store(kind)
  const db = await openSqlDriver(s)
  try {
    const cat = await readTableCatalog(db, kind, 'users', s.connection.schema)
    const plan = planLookup(cat, 'email', true)
    const cond = lookupCondition(plan, db.ident('email'), [value])
    const table = db.ident(kind === 'postgres' ? `${tag}.users` : 'users')
    const rows = await db.query(`EXPLAIN SELECT * FROM ${table} WHERE ${cond.sql}`, cond.params)
    return {mode: plan.mode, plan: JSON.stringify(rows)}
  } finally {
    await db.close()
  }
}

test('PostgreSQL, plain (email, provider) index: the case-insensitive lookup is an index scan', async () => {
  const r = await explain('postgres', 'Anna@Example.ORG')
  assert.is(r.mode, 'exact-and-lower')
  assert.match(r.plan, /Index Scan|Index Only Scan|Bitmap Index Scan/)
  assert.not.match(r.plan, /Seq Scan/)
})

test('PostgreSQL, index on lower(email): the lookup uses it and finds any spelling', async () => {
  await pgc.query(`CREATE INDEX users_lower_email ON ${tag}.users (lower(email)); ANALYZE ${tag}.users`)
  try {
    const r = await explain('postgres', 'mixed@example.org')
    assert.is(r.mode, 'lower-index')
    assert.match(r.plan, /users_lower_email/)
    assert.not.match(r.plan, /Seq Scan/)
    const c = new SqlConnector(store('postgres'))
    await c.connect()
    const s = c.store.collections[0]
    const found = await c.find(s, [{field: 'email', values: ['mixed@example.org'], fold: true}])
    assert.equal(
      found.map((f) => f.data),
      [{id: '-1', email: 'Mixed@Example.org'}],
    )
    await c.close()
  } finally {
    await pgc.query(`DROP INDEX ${tag}.users_lower_email`)
  }
})

test('PostgreSQL, plain index: the spelling given and lower case are found; only listed columns are read', async () => {
  const c = new SqlConnector(store('postgres'))
  await c.connect()
  const coll = c.store.collections[0]
  const found = await c.find(coll, [{field: 'email', values: ['ANNA@example.org', 'Mixed@Example.org'], fold: true}])
  assert.equal(
    found.map((f) => f.data).sort((a, b) => Number(a.id) - Number(b.id)),
    [
      {id: '-1', email: 'Mixed@Example.org'},
      {id: '0', email: 'anna@example.org'},
    ],
  )
  await c.close()
})

test('MariaDB, *_ci collation: the plain (email) index is used and any spelling matches', async () => {
  const r = await explain('mysql', 'MIXED@example.org')
  assert.is(r.mode, 'db-folds')
  assert.match(r.plan, /"key":"users_email"/)
  const c = new SqlConnector(store('mysql'))
  await c.connect()
  const found = await c.find(c.store.collections[0], [{field: 'email', values: ['MIXED@example.org'], fold: true}])
  assert.equal(
    found.map((f) => f.data),
    [{id: -1, email: 'Mixed@Example.org'}],
  )
  await c.close()
})

test('MariaDB, case-sensitive (_bin) column with a plain index: exact and lower-cased, still by index', async () => {
  await my.query(`ALTER TABLE ${tag}.users MODIFY email varchar(200) COLLATE utf8mb4_bin NOT NULL`)
  const r = await explain('mysql', 'Anna@Example.org')
  assert.is(r.mode, 'exact-and-lower')
  assert.match(r.plan, /"key":"users_email"/)
})

test('SQLite: an index on lower(email) is read from the catalog and serves the lookup', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-dmc-sqlite-'))
  const file = join(dir, 'app.db')
  const db = new Database(file)
  db.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT);
    CREATE INDEX users_lower_email ON users (lower(email)); CREATE INDEX users_name ON users (name COLLATE NOCASE DESC);`)
  db.close()
  const s: StoreDef = {...store('postgres'), kind: 'sqlite', connection: {path: file}}
  const driver = await openSqlDriver(s)
  try {
    const cat = await readTableCatalog(driver, 'sqlite', 'users')
    assert.equal(cat.indexes.map((i) => [i.name, i.parts]).sort(), [
      ['users_lower_email', ['lower(email)']],
      ['users_name', ['name']],
    ])
    const plan = planLookup(cat, 'email', true)
    assert.equal(plan, {mode: 'lower-index', index: 'users_lower_email'})
    const cond = lookupCondition(plan, driver.ident('email'), ['Anna@Example.org'])
    const rows = await driver.query(`EXPLAIN QUERY PLAN SELECT * FROM users WHERE ${cond.sql}`, cond.params)
    assert.match(JSON.stringify(rows), /USING INDEX users_lower_email/)
  } finally {
    await driver.close()
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a table that does not exist is a datamap error naming the collection (exit 2), not a driver error', async () => {
  const s = store('postgres')
  s.collections[0].locator.table = 'user'
  const c = new SqlConnector(s)
  await c.connect()
  try {
    await c.find(s.collections[0], [{field: 'email', values: ['a@b.de'], fold: true}])
    assert.unreachable('found in a table that does not exist')
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.match(
      (err as Error).message,
      /^datamap map\.yaml:\d+: 'stores\.s\.collections\.users' does not match the postgres store \(relation "dmc_\w+\.user" does not exist\)/,
    )
  } finally {
    await c.close()
  }
})

test.run()
