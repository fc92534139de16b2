// test-kind: unit
// Erasure order from dependencies: children before the parents they point at, across stores,
// ties in datamap order, only deleted parents binding; a cycle named with its ways out.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import type {Datamap} from '../../src/privacy/datamap-types.js'
import type {Dependency} from '../../src/privacy/erasure-dependencies.js'
import {erasureOrder} from '../../src/privacy/erasure-order.js'
import {BadInputError} from '../../src/errors.js'

const map = (stores: Record<string, string[]>): Datamap =>
  ({
    sources: [],
    references: [],
    stores: Object.entries(stores).map(([name, colls]) => ({
      name,
      kind: 'postgres',
      connection: {},
      origin: 'x',
      collections: colls.map((c) => ({name: c, store: name})),
    })),
  }) as unknown as Datamap

function dep(child: string, parent: string, name: string, orders = true): Dependency {
  const [cs, cc] = child.split('.') as [string, string]
  const [ps, pc] = parent.split('.') as [string, string]
  return {
    child: {store: cs, collection: cc, fields: [`${pc}_id`]},
    parent: {store: ps, collection: pc, fields: ['id']},
    name,
    restricts: orders,
    orders,
  }
}

const GL = map({gl: ['users', 'rooms', 'recordings', 'formats'], files: ['presentation']})
const EDGES = [
  dep('gl.rooms', 'gl.users', 'rooms_user_id_fkey'),
  dep('gl.recordings', 'gl.rooms', 'recordings_room_id_fkey'),
  dep('gl.formats', 'gl.recordings', 'formats_recording_id_fkey'),
  dep('files.presentation', 'gl.recordings', 'files.presentation.record_id -> gl.recordings.record_id'),
]
const ALL = new Set(['gl.users', 'gl.rooms', 'gl.recordings', 'gl.formats', 'files.presentation'])

test('children come before their parents, across stores', () => {
  assert.equal(erasureOrder(GL, EDGES, ALL), [
    'gl.formats',
    'files.presentation',
    'gl.recordings',
    'gl.rooms',
    'gl.users',
  ])
})

test('a parent that is not deleted (updated, kept) imposes no order', () => {
  const order = erasureOrder(GL, EDGES, new Set(['gl.formats']))
  assert.equal(order, ['gl.users', 'gl.rooms', 'gl.recordings', 'gl.formats', 'files.presentation'])
})

test('cascading keys impose no order; a self-reference is ignored', () => {
  const edges = [dep('gl.rooms', 'gl.users', 'cascading', false), dep('gl.users', 'gl.users', 'invited_by_fkey')]
  assert.equal(erasureOrder(GL, edges, ALL).slice(0, 2), ['gl.users', 'gl.rooms'])
})

test('a cycle is one sentence naming it, its keys and the ways out', () => {
  const edges = [...EDGES, dep('gl.users', 'gl.rooms', 'users_home_room_id_fkey')]
  try {
    erasureOrder(GL, edges, ALL)
    assert.unreachable('a cycle must throw')
  } catch (err) {
    assert.instance(err, BadInputError)
    const m = (err as Error).message
    assert.match(
      m,
      /^erasure cannot be ordered: gl\.(users -> gl\.rooms -> gl\.users|rooms -> gl\.users -> gl\.rooms) point at each other/,
    )
    assert.match(m, /users_home_room_id_fkey/)
    assert.match(m, /rooms_user_id_fkey/)
    assert.match(m, /strategy: "null", fields: \[/)
    assert.match(m, /ON DELETE SET NULL or CASCADE/)
    assert.match(m, /a hold\)\.$/)
    assert.not.match(m, /\n/)
  }
  // Clearing one reference instead of deleting (users updated, not deleted) breaks it.
  const withoutUsers = new Set([...ALL].filter((c) => c !== 'gl.users'))
  assert.ok(
    erasureOrder(GL, edges, withoutUsers).indexOf('gl.users') <
      erasureOrder(GL, edges, withoutUsers).indexOf('gl.rooms'),
  )
})

test.run()
