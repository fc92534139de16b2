// test-kind: unit
// What an erasure keeps: a hold reaches every record that depends on a held record
// (transitively); a kept record pins the parent it points at through a restricting key;
// a pinned parent does not hold its other children; a `keep` law pins but does not spread.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {CollectionDef} from '../../src/privacy/datamap-types.js'
import type {Dependency} from '../../src/privacy/erasure-dependencies.js'
import {keptRecords} from '../../src/privacy/erasure-keep.js'
import type {Hold} from '../../src/privacy/holds.js'
import type {StoreHits} from '../../src/privacy/subject-search.js'

const coll = (name: string, strategy = 'delete') =>
  ({
    store: 'gl',
    name,
    erasure: {strategy, fields: [], ...(strategy === 'keep' ? {law: '§ 147 AO'} : {})},
  }) as unknown as CollectionDef

function hits(
  rows: Record<string, Array<Record<string, unknown>>>,
  strategies: Record<string, string> = {},
): StoreHits[] {
  return [
    {
      store: 'gl',
      reachable: true,
      collections: Object.entries(rows).map(([name, records]) => ({
        coll: coll(name, strategies[name]),
        matches: [],
        unsearchable: [],
        records: records.map((data) => ({key: JSON.stringify([data.id]), data, via: ['email']})),
      })),
    },
  ]
}

const fk = (child: string, field: string, parent: string, restricts = true): Dependency => ({
  child: {store: 'gl', collection: child, fields: [field]},
  parent: {store: 'gl', collection: parent, fields: ['id']},
  name: `${child}_${field}_fkey`,
  restricts,
  orders: restricts,
})

const EDGES = [
  fk('rooms', 'user_id', 'users'),
  fk('shared_accesses', 'room_id', 'rooms'),
  fk('recordings', 'room_id', 'rooms'),
  fk('formats', 'recording_id', 'recordings'),
]
const ROWS = {
  users: [{id: 'u1'}],
  rooms: [
    {id: 'r1', user_id: 'u1'},
    {id: 'r2', user_id: 'u1'},
  ],
  shared_accesses: [{id: 's1', room_id: 'r1'}],
  recordings: [
    {id: 'c1', room_id: 'r1'},
    {id: 'c2', room_id: 'r2'},
  ],
  formats: [
    {id: 'f1', recording_id: 'c1'},
    {id: 'f2', recording_id: 'c2'},
    {id: 'f3', recording_id: null},
  ],
}
const hold = (collection: string): Hold => ({
  id: 'hold-1',
  store: 'gl',
  collection,
  subjectHash: null,
  reason: 'exam appeal',
  until: null,
  createdAt: '2026-01-01T00:00:00Z',
  releasedAt: null,
})
const keys = (m: ReturnType<typeof keptRecords>, c: string) => [...(m.get(`gl.${c}`)?.keys() ?? [])].sort()

test('a hold on rooms reaches their recordings and formats, and pins the account', () => {
  const k = keptRecords(hits(ROWS), EDGES, [hold('rooms')], [])
  assert.equal(keys(k, 'recordings'), ['["c1"]', '["c2"]'])
  assert.equal(keys(k, 'formats'), ['["f1"]', '["f2"]'], 'a format with no recording depends on nothing')
  assert.equal(keys(k, 'shared_accesses'), ['["s1"]'])
  assert.equal(keys(k, 'users'), ['["u1"]'])
  const f1 = k.get('gl.formats')!.get('["f1"]')!
  assert.is(f1.hold, 'hold-1')
  assert.match(f1.reason, /^depends on a held record of gl\.recordings \(formats_recording_id_fkey\): exam appeal$/)
  assert.match(k.get('gl.users')!.get('["u1"]')!.reason, /still references it \(rooms_user_id_fkey\)/)
})

test("a pinned parent does not hold its other children: a held recording keeps its room, not the room's other data", () => {
  const k = keptRecords(hits(ROWS), EDGES, [hold('recordings')], [])
  assert.equal(keys(k, 'formats'), ['["f1"]', '["f2"]'])
  assert.equal(keys(k, 'rooms'), ['["r1"]', '["r2"]'], 'pinned by the held recordings')
  assert.ok(k.get('gl.rooms')!.get('["r1"]')!.pinned)
  assert.equal(keys(k, 'shared_accesses'), [], 'the room is pinned, not held: its accesses go')
  assert.equal(keys(k, 'users'), ['["u1"]'])
})

test('a cascading key pins nothing; a parent that is updated, not deleted, is not pinned', () => {
  const cascading = EDGES.map((e) => (e.child.collection === 'recordings' ? {...e, restricts: false} : e))
  const k = keptRecords(hits(ROWS), cascading, [hold('recordings')], [])
  assert.equal(keys(k, 'rooms'), [])
  const updated = keptRecords(hits(ROWS, {rooms: 'pseudonymise'}), EDGES, [hold('recordings')], [])
  assert.equal(keys(updated, 'rooms'), [])
})

test('a keep law pins the parent but does not spread to children', () => {
  const k = keptRecords(hits(ROWS, {recordings: 'keep'}), EDGES, [], [])
  assert.equal(keys(k, 'recordings'), ['["c1"]', '["c2"]'])
  assert.equal(keys(k, 'formats'), [])
  assert.equal(keys(k, 'rooms'), ['["r1"]', '["r2"]'])
  assert.is(k.get('gl.rooms')!.get('["r1"]')!.hold, undefined)
})

test('nothing held, nothing kept', () => {
  const k = keptRecords(hits(ROWS), EDGES, [], [])
  assert.ok([...k.values()].every((m) => m.size === 0))
})

test.run()
