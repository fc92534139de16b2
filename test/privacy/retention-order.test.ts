// test-kind: e2e
// `retention apply` on Greenlight v3's schema (foreign keys, no cascade) through the built CLI:
// the datamap lists users before rooms, yet overdue rooms and recordings go first; a due room
// that a recording still in retention points at is skipped and reported (not a constraint
// error); a table missing from the datamap stops the run as `failed` with the store's words;
// thousands of due rows are planned and applied page by page.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {cli, tempHome} from './helpers.js'
import {createGreenlight, fkName, U, writeDatamap, type Kind} from '../fixtures/greenlight.js'

const OLD = "'2023-01-01 10:00:00'"
const NEW = "'2026-11-20 10:00:00'"

/** Erika overdue with both rooms and their recordings; Max's room is overdue but his recording is not. */
async function age(g: Awaited<ReturnType<typeof createGreenlight>>): Promise<void> {
  await g.q('DELETE FROM formats')
  await g.q(`UPDATE users SET last_login = ${NEW}`)
  await g.q(`UPDATE users SET last_login = ${OLD} WHERE id = '${U.erika}'`)
  await g.q(`UPDATE rooms SET last_session = ${OLD}`)
  await g.q(`UPDATE recordings SET recorded_at = ${OLD}`)
  await g.q(`UPDATE recordings SET recorded_at = ${NEW} WHERE name = 'Tutorium 1'`)
}

for (const kind of ['postgres', 'mysql', 'sqlite'] as Kind[]) {
  test(`${kind}: retention apply runs children first and skips a due room a kept recording points at`, async () => {
    const g = await createGreenlight(kind)
    try {
      await age(g)
      await g.q('DELETE FROM shared_accesses')
      const home = tempHome()
      const datamap = writeDatamap(home, g)
      const plan = await cli(home, ['retention', 'apply', '--datamap', datamap, '--json'])
      assert.is(plan.exitCode, 0, plan.stderr)
      const coll = (r: typeof plan, c: string) =>
        r.json.stores[0].collections.find((x: {collection: string}) => x.collection === c)
      assert.is(coll(plan, 'users').records, 1)
      assert.is(coll(plan, 'rooms').records, 2, 'the plan counts the rooms its recordings free')
      assert.is(coll(plan, 'rooms').skipped[0].records, 1)
      assert.ok(coll(plan, 'rooms').skipped[0].reason.includes(fkName(kind, 'recordings', 'room_id', 'rooms')))
      const order: string[] = plan.json.order
      assert.ok(order.indexOf('greenlight/recordings') < order.indexOf('greenlight/rooms'), order.join(' '))
      assert.ok(order.indexOf('greenlight/rooms') < order.indexOf('greenlight/users'), order.join(' '))

      // Before the ordering this died with an internal error on rooms_user_id_fkey.
      const exec = await cli(home, ['retention', 'apply', '--execute', '--datamap', datamap, '--json'])
      assert.is(exec.exitCode, 0, exec.stderr)
      assert.is(exec.json.status, 'done')
      assert.is(coll(exec, 'users').changed, 1)
      assert.is(coll(exec, 'rooms').changed, 2)
      assert.equal(await g.ids('users'), [U.max])
      assert.is((await g.ids('rooms')).length, 1, "Max's room stays: his recording is still kept")
      assert.is((await g.ids('recordings')).length, 1)
      const again = await cli(home, ['retention', 'apply', '--execute', '--datamap', datamap, '--json'])
      assert.is(again.exitCode, 0, again.stderr)
      assert.is(coll(again, 'rooms').changed, 0)
      assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    } finally {
      await g.drop()
    }
  })
}

test('postgres: a table the datamap lacks stops retention as failed with the constraint (exit 3), never an internal error', async () => {
  const g = await createGreenlight('postgres')
  try {
    await age(g)
    const home = tempHome()
    const datamap = writeDatamap(home, g, ['users', 'rooms', 'recordings', 'formats'])
    const r = await cli(home, ['retention', 'apply', '--execute', '--datamap', datamap, '--json'])
    assert.is(r.exitCode, 3, r.stderr)
    assert.is(r.json.status, 'failed')
    assert.is(r.json.failed.collection, 'rooms')
    assert.match(
      r.stderr,
      /^confctl: greenlight\/rooms: store 'greenlight' \(postgres\) refused: .*shared_accesses_room_id_fkey/,
    )
    assert.not.match(r.stderr, /internal error/)
    assert.equal((await g.ids('users')).length, 2, 'nothing after the refusal ran')
    const audit = await cli(home, ['audit', 'verify', '--json'])
    assert.is(audit.exitCode, 0)
  } finally {
    await g.drop()
  }
})

test('postgres: thousands of due rows are planned and applied page by page (keyset paging past deleted rows)', async () => {
  const g = await createGreenlight('postgres')
  try {
    await g.q(
      `INSERT INTO users (id, name, email, provider, last_login, language)
       SELECT gen_random_uuid(), 'U' || i, 'u' || i || '@example.org', 'greenlight', ${OLD}, 'de' FROM generate_series(1, 4500) AS i`,
    )
    const home = tempHome()
    const datamap = writeDatamap(home, g, ['users', 'rooms', 'shared_accesses', 'recordings', 'formats'])
    const plan = await cli(home, ['retention', 'apply', '--datamap', datamap, '--json'])
    assert.is(plan.exitCode, 0, plan.stderr)
    const users = plan.json.stores[0].collections.find((c: {collection: string}) => c.collection === 'users')
    assert.is(users.records, 4500)
    const exec = await cli(home, ['retention', 'apply', '--execute', '--datamap', datamap, '--json'])
    assert.is(exec.exitCode, 0, exec.stderr)
    assert.equal((await g.ids('users')).length, 2)
  } finally {
    await g.drop()
  }
})

test('postgres: a cycle of foreign keys stops retention before anything changes (exit 2, one sentence)', async () => {
  const g = await createGreenlight('postgres', [
    'ALTER TABLE users ADD COLUMN home_room_id uuid',
    'ALTER TABLE users ADD CONSTRAINT users_home_room_id_fkey FOREIGN KEY (home_room_id) REFERENCES rooms (id)',
  ])
  try {
    await age(g)
    const home = tempHome()
    const r = await cli(home, ['retention', 'apply', '--execute', '--datamap', writeDatamap(home, g)])
    assert.is(r.exitCode, 2, r.stderr)
    assert.match(r.stderr, /^confctl: erasure cannot be ordered: .*users_home_room_id_fkey/)
    assert.is(r.stderr.trim().split('\n').length, 1)
    assert.is((await g.ids('rooms')).length, 3)
    assert.is((await g.ids('recordings')).length, 3, 'nothing changed')
  } finally {
    await g.drop()
  }
})

test("postgres: a hold on accounts keeps their due rooms and those rooms' recordings (a hold reaches its dependants)", async () => {
  const g = await createGreenlight('postgres')
  try {
    await age(g)
    await g.q('DELETE FROM shared_accesses')
    const home = tempHome()
    const datamap = writeDatamap(home, g)
    const hold = await cli(home, [
      'hold',
      'add',
      '--store',
      'greenlight',
      '--collection',
      'users',
      '--reason',
      'disciplinary proceedings 2026-9',
      '--datamap',
      datamap,
      '--json',
    ])
    assert.is(hold.exitCode, 0, hold.stderr)
    const exec = await cli(home, ['retention', 'apply', '--execute', '--datamap', datamap, '--json'])
    assert.is(exec.exitCode, 0, exec.stderr)
    const coll = (c: string) => exec.json.stores[0].collections.find((x: {collection: string}) => x.collection === c)
    const held = (c: string) => coll(c).skipped.find((k: {hold?: string}) => k.hold === hold.json.id)
    assert.is(held('rooms').records, 3)
    assert.match(
      held('rooms').reason,
      /^depends on a held record of greenlight\/users \(rooms_user_id_fkey\): disciplinary/,
    )
    assert.is(held('recordings').records, 2, "the rooms' due recordings stay with them")
    assert.match(
      held('recordings').reason,
      /^depends on a held record of greenlight\/rooms \(recordings_room_id_fkey\): disciplinary/,
    )
    assert.is(coll('rooms').changed, 0)
    assert.is((await g.ids('rooms')).length, 3)
    assert.is((await g.ids('recordings')).length, 3)
    assert.is((await g.ids('users')).length, 2)
  } finally {
    await g.drop()
  }
})

test.run()
