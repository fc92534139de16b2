// test-kind: e2e
// Foreign keys read from the real catalogs: Greenlight's tables plus a composite key with
// ON DELETE CASCADE, on PostgreSQL (own schema), MariaDB (own database) and SQLite.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {SqlConnector} from '../../../src/privacy/connectors/sql-connector.js'
import type {StoreDef} from '../../../src/privacy/datamap-types.js'
import {createGreenlight, MY_URL, PG_URL, type Kind} from '../../fixtures/greenlight.js'

const EXTRA: Record<Kind, string[]> = {
  postgres: [
    'CREATE TABLE slots (room_id uuid, n INT, PRIMARY KEY (room_id, n))',
    'CREATE TABLE bookings (id INT PRIMARY KEY, room_id uuid, n INT, CONSTRAINT bookings_slot_fkey FOREIGN KEY (room_id, n) REFERENCES slots (room_id, n) ON DELETE CASCADE)',
  ],
  mysql: [
    'CREATE TABLE slots (room_id CHAR(36), n INT, PRIMARY KEY (room_id, n)) ENGINE=InnoDB',
    'CREATE TABLE bookings (id INT PRIMARY KEY, room_id CHAR(36), n INT, CONSTRAINT bookings_slot_fkey FOREIGN KEY (room_id, n) REFERENCES slots (room_id, n) ON DELETE CASCADE) ENGINE=InnoDB',
  ],
  sqlite: [
    'CREATE TABLE slots (room_id TEXT, n INT, PRIMARY KEY (room_id, n))',
    'CREATE TABLE bookings (id INT PRIMARY KEY, room_id TEXT, n INT, FOREIGN KEY (room_id, n) REFERENCES slots ON DELETE CASCADE)',
  ],
}

for (const kind of ['postgres', 'mysql', 'sqlite'] as Kind[]) {
  test(`${kind}: the catalog's foreign keys, with columns in order and the delete rule`, async () => {
    const g = await createGreenlight(kind, EXTRA[kind])
    const connection = {
      postgres: {url: PG_URL, schema: g.name},
      mysql: {url: `${MY_URL}/${g.name}`},
      sqlite: {path: g.name},
    }[kind]
    const store: StoreDef = {name: 'gl', kind, connection, collections: [], origin: 'test'}
    const c = new SqlConnector(store)
    try {
      await c.connect()
      const keys = await c.foreignKeys()
      const brief = keys
        .map((k) => `${k.table}(${k.columns.join(',')}) -> ${k.refTable}(${k.refColumns.join(',')}) ${k.onDelete}`)
        .sort()
      assert.equal(brief, [
        'bookings(room_id,n) -> slots(room_id,n) cascade',
        'formats(recording_id) -> recordings(id) restrict',
        'recordings(room_id) -> rooms(id) restrict',
        'rooms(user_id) -> users(id) restrict',
        'shared_accesses(room_id) -> rooms(id) restrict',
        'shared_accesses(user_id) -> users(id) restrict',
      ])
      const rooms = keys.find((k) => k.table === 'rooms')!
      assert.is(rooms.name, kind === 'sqlite' ? 'rooms(user_id) -> users' : 'rooms_user_id_fkey')
    } finally {
      await c.close()
      await g.drop()
    }
  })
}

test('postgres: only the store schema is read (another schema with the same tables is not mixed in)', async () => {
  const a = await createGreenlight('postgres')
  const b = await createGreenlight('postgres')
  const c = new SqlConnector({
    name: 'gl',
    kind: 'postgres',
    connection: {url: PG_URL, schema: a.name},
    collections: [],
    origin: 'test',
  })
  try {
    await c.connect()
    assert.is((await c.foreignKeys()).length, 5)
  } finally {
    await c.close()
    await a.drop()
    await b.drop()
  }
})

test.run()
