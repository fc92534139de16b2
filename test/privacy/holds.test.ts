// test-kind: e2e
// Legal holds record themselves: addHold and releaseHold write their audit entry in the
// same transaction as the change, whoever calls them (not only the CLI), so a failing
// append leaves neither the change nor an entry. On SQLite and PostgreSQL.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {addHold, listHolds, releaseHold} from '../../src/privacy/holds.js'
import {subjectHash} from '../../src/privacy/subject.js'
import {auditCount, blockNextAppend, entriesAfter, FAILED_APPEND, storeKinds} from './audit-stores.js'

const kinds = storeKinds()

test.after(async () => {
  for (const k of kinds) await k.dispose()
})

for (const k of kinds) {
  test(`${k.name}: addHold writes one hold.added entry with the hold's fields`, async () => {
    const until = new Date('2030-12-31T00:00:00Z')
    const {hold, before, added, anna} = await k.run(async (ctx) => {
      const anna = subjectHash(ctx.key, {type: 'user_id', value: 'anna'})
      const before = await auditCount(ctx)
      const hold = await addHold(ctx, undefined, {
        store: 'node-edge1',
        collection: 'sessions',
        subjectHash: anna,
        reason: ' incident 2026-113 ',
        until,
      })
      return {hold, before, added: await entriesAfter(ctx, before), anna}
    })
    assert.is(hold.reason, 'incident 2026-113')
    assert.is(added.length, 1)
    const e = added[0]
    assert.is(e.seq, before + 1)
    assert.is(e.event, 'hold.added')
    assert.is(e.requestId, null)
    assert.is(e.actor, 'auditor-test')
    assert.equal(e.subjects, [anna])
    assert.equal(e.details, {
      hold: hold.id,
      store: 'node-edge1',
      collection: 'sessions',
      reason: 'incident 2026-113',
      until: until.toISOString(),
    })
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.ok(v.ok)
    assert.is(v.entries, before + 1)
  })

  test(`${k.name}: addHold whose audit append fails leaves no hold and no entry`, async () => {
    const {holdsBefore, holdsAfter, entriesBefore, entriesAfterFail} = await k.run(async (ctx) => {
      const holdsBefore = (await listHolds(ctx.db, true)).length
      const entriesBefore = await auditCount(ctx)
      const unblock = await blockNextAppend(ctx)
      try {
        await addHold(ctx, undefined, {store: 'node-edge1', reason: 'incident 2026-114'})
        assert.unreachable('the append should have failed')
      } catch (err) {
        assert.match(String(err), FAILED_APPEND)
      }
      const entriesAfterFail = (await auditCount(ctx)) - 1 // minus the planted row
      await unblock()
      return {holdsBefore, holdsAfter: (await listHolds(ctx.db, true)).length, entriesBefore, entriesAfterFail}
    })
    assert.is(holdsAfter, holdsBefore)
    assert.is(entriesAfterFail, entriesBefore)
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, entriesBefore)
  })

  test(`${k.name}: releaseHold writes one hold.released entry naming the hold`, async () => {
    const {hold, released, before, added} = await k.run(async (ctx) => {
      const hold = await addHold(ctx, undefined, {store: 'node-edge1', reason: 'incident 2026-115'})
      const before = await auditCount(ctx)
      const released = await releaseHold(ctx, hold.id)
      return {hold, released, before, added: await entriesAfter(ctx, before)}
    })
    assert.ok(released.releasedAt)
    assert.is(added.length, 1)
    const e = added[0]
    assert.is(e.event, 'hold.released')
    assert.is(e.actor, 'auditor-test')
    assert.equal(e.subjects, [])
    assert.equal(e.details, {hold: hold.id})
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, before + 1)
  })

  test(`${k.name}: releaseHold whose audit append fails leaves the hold in force and no entry`, async () => {
    const {hold, after, entriesBefore, entriesAfterFail} = await k.run(async (ctx) => {
      const hold = await addHold(ctx, undefined, {store: 'node-edge1', reason: 'incident 2026-116'})
      const entriesBefore = await auditCount(ctx)
      const unblock = await blockNextAppend(ctx)
      try {
        await releaseHold(ctx, hold.id)
        assert.unreachable('the append should have failed')
      } catch (err) {
        assert.match(String(err), FAILED_APPEND)
      }
      const entriesAfterFail = (await auditCount(ctx)) - 1
      await unblock()
      return {hold, after: (await listHolds(ctx.db)).find((h) => h.id === hold.id), entriesBefore, entriesAfterFail}
    })
    assert.ok(after, `hold ${hold.id} should still be active`)
    assert.is(after!.releasedAt, null)
    assert.is(entriesAfterFail, entriesBefore)
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, entriesBefore)
  })
}

test.run()
