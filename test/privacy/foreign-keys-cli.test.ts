// test-kind: e2e
// Erasure on Greenlight v3's real schema (foreign keys, no ON DELETE CASCADE) through the
// built CLI, on the real PostgreSQL and MariaDB: the reproduction (the datamap lists
// users before rooms), a hold on recordings that must protect their formats, a table the
// datamap lacks (failed, then --replan), a kill in the middle of a replanned erasure, a
// schema with a cycle, and cancel.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {appendFileSync, readFileSync, writeFileSync} from 'node:fs'
import {cli, tempHome} from './helpers.js'
import {createGreenlight, ERIKA, fkName, U, writeDatamap, type Kind} from '../fixtures/greenlight.js'

const statuses = (show: {json: {journal: Array<{status: string}>}}) => show.json.journal.map((s) => s.status)

async function openErasure(home: string, datamap: string): Promise<string> {
  const open = await cli(home, ['dsar', 'open', '--type', 'erasure', ...ERIKA, '--datamap', datamap, '--json'])
  assert.is(open.exitCode, 0, open.stderr)
  return open.json.id
}

for (const kind of ['postgres', 'mysql', 'sqlite'] as Kind[]) {
  test(`${kind}: users listed before rooms: erasure orders children first and succeeds`, async () => {
    const g = await createGreenlight(kind)
    try {
      const home = tempHome()
      const id = await openErasure(home, writeDatamap(home, g))
      // Before ordering this died with "unexpected error: ... rooms_user_id_fkey", step 1 stuck in `applying`.
      const exec = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
      assert.is(exec.exitCode, 0, exec.stderr)
      const journal = (await cli(home, ['dsar', 'show', id, '--json'])).json.journal.map(
        (s: {collection: string}) => s.collection,
      )
      const at = (c: string) => journal.indexOf(c)
      assert.ok(at('formats') < at('recordings') && at('recordings') < at('rooms'), journal.join(' '))
      assert.ok(at('shared_accesses') < at('rooms') && at('rooms') < at('users'), journal.join(' '))
      assert.is(exec.json.status, 'done')
      const show = await cli(home, ['dsar', 'show', id, '--json'])
      assert.ok(
        statuses(show).every((s) => s === 'done'),
        statuses(show).join(' '),
      )
      assert.is(show.json.request.status, 'done')
      assert.equal(await g.ids('users'), [U.max])
      assert.is((await g.ids('rooms')).length, 1, "Max's room stays")
      assert.is((await g.ids('recordings')).length, 1)
      assert.is((await g.ids('formats')).length, 1)
      // Both accesses go: Erika's to Max's room, and Max's to Erika's (deleted) room.
      assert.is((await g.ids('shared_accesses')).length, 0)
      const ver = await cli(home, ['dsar', 'verify', id, '--json'])
      assert.is(ver.exitCode, 0, ver.stdout)
      assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    } finally {
      await g.drop()
    }
  })

  test(`${kind}: a hold on recordings keeps their formats, and the rooms and account they point at`, async () => {
    const g = await createGreenlight(kind)
    try {
      const home = tempHome()
      const datamap = writeDatamap(home, g)
      const id = await openErasure(home, datamap)
      const hold = await cli(home, [
        'hold',
        'add',
        '--store',
        'greenlight',
        '--collection',
        'recordings',
        '--reason',
        'evidence for exam appeal 2026-41',
        '--datamap',
        datamap,
        '--json',
      ])
      assert.is(hold.exitCode, 0, hold.stderr)
      const plan = await cli(home, ['dsar', 'erase', id, '--json'])
      assert.is(plan.exitCode, 0, plan.stderr)
      const coll = (c: string) => plan.json.stores[0].collections.find((x: {collection: string}) => x.collection === c)
      assert.is(coll('recordings').kept.hold, hold.json.id)
      assert.is(coll('formats').kept.hold, hold.json.id, 'formats of held recordings are held')
      assert.match(coll('formats').kept.reason, /depends on a held record of greenlight\.recordings/)
      assert.match(coll('formats').kept.reason, /evidence for exam appeal/)
      assert.ok(
        coll('rooms').kept.reason.includes(`still references it (${fkName(kind, 'recordings', 'room_id', 'rooms')})`),
      )
      assert.ok(coll('users').kept.reason.includes(fkName(kind, 'rooms', 'user_id', 'users')))
      assert.equal(coll('formats').steps, [])
      const human = await cli(home, ['dsar', 'erase', id])
      assert.match(human.stdout, /greenlight\/formats: keep 3 record\(s\): depends on a held record/)

      const exec = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
      assert.is(exec.exitCode, 0, exec.stderr)
      assert.is(exec.json.status, 'done')
      assert.is((await g.ids('formats')).length, 4, 'no format was deleted')
      assert.is((await g.ids('recordings')).length, 3)
      assert.is((await g.ids('users')).length, 2)
      assert.is((await g.ids('shared_accesses')).length, 0, 'the accesses do not pin anything')
      const ver = await cli(home, ['dsar', 'verify', id, '--json'])
      assert.is(ver.exitCode, 0, ver.stdout)
      const kept = ver.json.stores[0].kept as Array<{collection: string; hold?: string}>
      assert.is(kept.filter((k) => k.collection === 'formats' && k.hold === hold.json.id).length, 3)

      // Released: a rerun erases what the hold kept, children first.
      assert.is((await cli(home, ['hold', 'release', hold.json.id])).exitCode, 0)
      const again = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
      assert.is(again.exitCode, 0, again.stderr)
      assert.equal(await g.ids('users'), [U.max])
      assert.is((await g.ids('formats')).length, 1)
      assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    } finally {
      await g.drop()
    }
  })

  test(`${kind}: a refused step leaves the request failed (exit 3, the store's words); --replan after the fix finishes it; a kill mid-replan resumes`, async () => {
    const g = await createGreenlight(kind)
    try {
      const home = tempHome()
      // shared_accesses is missing from the datamap: Max's access to Erika's room blocks the room.
      const partial = writeDatamap(home, g, ['users', 'rooms', 'recordings', 'formats'], 'partial.yaml')
      const id = await openErasure(home, partial)
      const plan = await cli(home, ['dsar', 'erase', id])
      assert.match(
        plan.stdout,
        /order \(children before parents\): greenlight\/formats, greenlight\/recordings, greenlight\/rooms, greenlight\/users/,
      )
      assert.match(plan.stdout, /note: table shared_accesses of store 'greenlight' references (rooms|users)/)
      const failed = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
      assert.is(failed.exitCode, 3, failed.stderr)
      assert.is(failed.json.status, 'failed')
      assert.match(
        failed.stderr,
        new RegExp(
          `^confctl: step 3 \\(greenlight/rooms: delete 2 record\\(s\\)\\) failed: store 'greenlight' \\(${kind}\\) refused: .*(${kind === 'sqlite' ? 'FOREIGN KEY constraint failed' : 'shared_accesses_room_id_fkey'})`,
        ),
      )
      assert.match(failed.stderr, /--replan --execute/)
      assert.not.match(failed.stderr, /internal error|unexpected/)
      assert.is(failed.stderr.trim().split('\n').length, 1)
      const show = await cli(home, ['dsar', 'show', id, '--json'])
      assert.is(show.json.request.status, 'failed')
      assert.equal(statuses(show), ['done', 'done', 'failed', 'planned'])
      assert.match(show.json.request.stores[0].message, /shared_accesses_room_id_fkey|FOREIGN KEY constraint failed/)
      assert.ok(show.json.events.some((e: {event: string}) => e.event === 'erasure.failed'))
      // Running it again without a fix fails the same way, nothing else changes.
      const again = await cli(home, ['dsar', 'erase', id, '--execute'])
      assert.is(again.exitCode, 3)
      assert.is((await g.ids('rooms')).length, 3)

      // The datamap is fixed; the replanned erasure is killed before its second step runs.
      const full = writeDatamap(home, g)
      const killed = await cli(home, ['dsar', 'erase', id, '--replan', '--execute', '--datamap', full], {
        CONFCTL_TEST_KILL_AT: 'applying:6',
      })
      assert.is.not(killed.exitCode, 0)
      const mid = await cli(home, ['dsar', 'show', id, '--json'])
      assert.equal(statuses(mid), ['done', 'done', 'superseded', 'superseded', 'done', 'applying', 'planned'])
      assert.equal(
        mid.json.journal.slice(4).map((s: {collection: string}) => s.collection),
        ['shared_accesses', 'rooms', 'users'],
      )
      const resumed = await cli(home, ['dsar', 'erase', id, '--execute', '--datamap', full, '--json'])
      assert.is(resumed.exitCode, 0, resumed.stderr)
      assert.is(resumed.json.status, 'done')
      const after = await cli(home, ['dsar', 'show', id, '--json'])
      assert.equal(statuses(after), ['done', 'done', 'superseded', 'superseded', 'done', 'done', 'done'])
      assert.is(after.json.request.status, 'done')
      const events = after.json.events.map((e: {event: string}) => e.event)
      assert.ok(events.includes('erasure.replanned'), events.join(' '))
      assert.equal(await g.ids('users'), [U.max])
      assert.is((await cli(home, ['dsar', 'verify', id, '--datamap', full])).exitCode, 0)
      assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    } finally {
      await g.drop()
    }
  })
}

const CYCLE: Record<Kind, string[]> = {
  postgres: [
    'ALTER TABLE users ADD COLUMN home_room_id uuid',
    'ALTER TABLE users ADD CONSTRAINT users_home_room_id_fkey FOREIGN KEY (home_room_id) REFERENCES rooms (id)',
  ],
  mysql: [
    'ALTER TABLE users ADD COLUMN home_room_id CHAR(36) NULL',
    'ALTER TABLE users ADD CONSTRAINT users_home_room_id_fkey FOREIGN KEY (home_room_id) REFERENCES rooms (id)',
  ],
  sqlite: ['ALTER TABLE users ADD COLUMN home_room_id TEXT REFERENCES rooms (id)'],
}

for (const kind of ['postgres', 'mysql', 'sqlite'] as Kind[]) {
  test(`${kind}: a cycle of foreign keys is one sentence naming it and the ways out (exit 2, request failed)`, async () => {
    const g = await createGreenlight(kind, CYCLE[kind])
    try {
      await g.q(`UPDATE users SET home_room_id = '10000000-0000-4000-8000-000000000001' WHERE id = '${U.erika}'`)
      const home = tempHome()
      const datamap = writeDatamap(home, g)
      const id = await openErasure(home, datamap)
      const plan = await cli(home, ['dsar', 'erase', id])
      assert.is(plan.exitCode, 2, plan.stderr)
      assert.match(
        plan.stderr,
        /erasure cannot be ordered: greenlight\.(users|rooms) -> greenlight\.(rooms|users) -> greenlight\.\1 point at each other \(/,
      )
      assert.ok(plan.stderr.includes(fkName(kind, 'users', 'home_room_id', 'rooms')), plan.stderr)
      assert.ok(plan.stderr.includes(fkName(kind, 'rooms', 'user_id', 'users')), plan.stderr)
      assert.match(plan.stderr, /strategy: "null", fields: \[/)
      assert.match(plan.stderr, /ON DELETE SET NULL or CASCADE/)
      assert.is(plan.stderr.trim().split('\n').length, 1)
      const exec = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
      assert.is(exec.exitCode, 2)
      assert.is(exec.json.status, 'failed')
      assert.is((await g.ids('users')).length, 2, 'nothing was deleted')
      // The way out the message names: clear the reference first.
      const fixed = writeDatamap(home, g, undefined, 'fixed.yaml', {
        users: `        table: users
        key: id
        purpose: room management accounts
        legal_basis: e
        source: the user
        retention: {period: 365d+90d, from: last_login}
        erasure: {strategy: "null", fields: [home_room_id]}
        fields:
          id: {category: identity.user_id}
          name: {category: identity.name, identifies: display_name}
          email: {category: contact.email, identifies: email}
          home_room_id: {category: technical.id}
          last_login: {category: account.activity}`,
      })
      const replanned = await cli(home, ['dsar', 'erase', id, '--replan', '--execute', '--datamap', fixed, '--json'])
      assert.is(replanned.exitCode, 0, replanned.stderr)
      assert.equal(replanned.json.replanned, {superseded: 0, firstSeq: 1}, 'the cycle stopped the plan before any step')
      assert.is(replanned.json.status, 'done')
      assert.is((await g.ids('rooms')).length, 1)
      const erika = await g.q(`SELECT home_room_id FROM users WHERE id = '${U.erika}'`)
      assert.equal(erika, [{home_room_id: null}])
    } finally {
      await g.drop()
    }
  })

  test(`${kind}: cancel closes the request with its reason, stops erasure, and refuses twice or without a reason`, async () => {
    const g = await createGreenlight(kind)
    try {
      const home = tempHome()
      const datamap = writeDatamap(home, g, ['users', 'rooms', 'recordings', 'formats'])
      const id = await openErasure(home, datamap)
      const failed = await cli(home, ['dsar', 'erase', id, '--execute'])
      assert.is(failed.exitCode, 3)
      const noReason = await cli(home, ['dsar', 'cancel', id, '--reason', '  '])
      assert.is(noReason.exitCode, 2)
      assert.match(noReason.stderr, /--reason must say why/)
      const cancel = await cli(home, ['dsar', 'cancel', id, '--reason', 'withdrawn by the data subject', '--json'])
      assert.is(cancel.exitCode, 0, cancel.stderr)
      assert.is(cancel.json.status, 'cancelled')
      const show = await cli(home, ['dsar', 'show', id, '--json'])
      assert.equal(statuses(show), ['done', 'done', 'cancelled', 'cancelled'])
      assert.is(show.json.events.at(-1).event, 'request.cancelled')
      const erase = await cli(home, ['dsar', 'erase', id, '--execute'])
      assert.is(erase.exitCode, 2)
      assert.match(erase.stderr, /was cancelled/)
      const replan = await cli(home, ['dsar', 'erase', id, '--replan'])
      assert.is(replan.exitCode, 2)
      assert.match(replan.stderr, /was cancelled/)
      assert.is((await g.ids('rooms')).length, 3, 'nothing more was erased')
      const twice = await cli(home, ['dsar', 'cancel', id, '--reason', 'again'])
      assert.is(twice.exitCode, 2)
      assert.match(twice.stderr, /already cancelled/)
      const unknown = await cli(home, ['dsar', 'cancel', 'dsr-19990101-000000', '--reason', 'x'])
      assert.is(unknown.exitCode, 2)
      const list = await cli(home, ['dsar', 'list', '--json'])
      assert.is(list.json.requests[0].status, 'cancelled')
      assert.is((await cli(home, ['audit', 'verify'])).exitCode, 0)
    } finally {
      await g.drop()
    }
  })

  test(`${kind}: a datamap naming a table the store lacks is exit 2 with the store words, never an internal error`, async () => {
    const g = await createGreenlight(kind)
    try {
      const home = tempHome()
      const id = await openErasure(home, writeDatamap(home, g))
      const typo = writeDatamap(home, g, ['users', 'rooms'], 'typo.yaml', {
        rooms: `        table: room
        key: id
        purpose: rooms
        legal_basis: e
        source: the owner
        retention: {period: 1y, from: last_session}
        erasure: {strategy: delete}
        fields:
          user_id: {category: identity.user_id}
          last_session: {category: meeting.metadata}`,
      })
      // The datamap's own reference makes the search ask the misspelt table.
      appendFileSync(typo, 'references:\n  - greenlight.rooms.user_id -> greenlight.users.id\n')
      const r = await cli(home, ['dsar', 'erase', id, '--execute', '--datamap', typo, '--json'])
      // Refused before any step (the datamap is checked against the store first), or failed at it.
      assert.is(r.exitCode, 2, r.stderr)
      assert.match(r.stderr, /\broom\b/)
      assert.is(r.stderr.trim().split('\n').length, 1)
      assert.not.match(r.stderr, /internal error|unexpected/)
      assert.is((await g.ids('users')).length, 2)
      const show = await cli(home, ['dsar', 'show', id, '--json'])
      assert.ok(['open', 'failed'].includes(show.json.request.status), show.json.request.status)
      assert.ok(
        show.json.journal.every((s: {status: string}) => s.status !== 'applying'),
        'no step is stuck',
      )
    } finally {
      await g.drop()
    }
  })
}

test('postgres: a store that denies the delete (permission) leaves the request failed with its words, exit 3', async () => {
  const g = await createGreenlight('postgres')
  const role = `${g.name}_ro`
  try {
    // A role that may read Greenlight's tables but not delete from them.
    await g.q(`CREATE ROLE ${role} LOGIN`)
    await g.q(`GRANT USAGE ON SCHEMA ${g.name} TO ${role}`)
    await g.q(`GRANT SELECT ON ALL TABLES IN SCHEMA ${g.name} TO ${role}`)
    const home = tempHome()
    const datamap = writeDatamap(home, g)
    writeFileSync(datamap, readFileSync(datamap, 'utf8').replace('postgres://postgres@', `postgres://${role}@`))
    const id = await openErasure(home, datamap)
    const r = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
    assert.is(r.exitCode, 3, r.stderr)
    assert.is(r.json.status, 'failed')
    assert.match(
      r.stderr,
      /^confctl: step 1 \(greenlight\/shared_accesses: delete 2 record\(s\)\) failed: store 'greenlight' \(postgres\) refused: permission denied for table shared_accesses;/,
    )
    const show = await cli(home, ['dsar', 'show', id, '--json'])
    assert.is(show.json.request.status, 'failed')
    assert.is(show.json.journal[0].status, 'failed')
    // Granted: a plain rerun retries the failed step and finishes.
    await g.q(`GRANT DELETE ON ALL TABLES IN SCHEMA ${g.name} TO ${role}`)
    const again = await cli(home, ['dsar', 'erase', id, '--execute', '--json'])
    assert.is(again.exitCode, 0, again.stderr)
    assert.is(again.json.status, 'done')
    assert.equal(await g.ids('users'), [U.max])
  } finally {
    await g.q(`DROP OWNED BY ${role}`).catch(() => {})
    await g.q(`DROP ROLE IF EXISTS ${role}`).catch(() => {})
    await g.drop()
  }
})

test.run()
