// test-kind: e2e
// Restriction records itself: restrict and liftRestriction write confctl's rows, the
// request's status and their audit entry in one transaction, so a failing append leaves
// none of them. The subject is searched for real in a seeded node directory. On SQLite and
// PostgreSQL.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {getRequest, openRequest} from '../../src/privacy/request-register.js'
import {withRequestScope} from '../../src/privacy/request-scope.js'
import {liftRestriction, restrict} from '../../src/privacy/restriction.js'
import type {PrivacyContext} from '../../src/privacy/privacy-context.js'
import {auditCount, blockNextAppend, entriesAfter, FAILED_APPEND, storeKinds} from './audit-stores.js'
import {seedNode} from './helpers.js'

const kinds = storeKinds()
for (const k of kinds) seedNode(k.home)

test.after(async () => {
  for (const k of kinds) await k.dispose()
})

const activeRows = async (ctx: PrivacyContext, id: string) =>
  Number(
    (
      await ctx.db.all<{n: unknown}>(
        'SELECT COUNT(*) AS n FROM restrictions WHERE request_id = ? AND lifted_at IS NULL',
        [id],
      )
    )[0].n,
  )
const openAnna = (ctx: PrivacyContext) =>
  openRequest(ctx, {type: 'restriction', subjects: [{type: 'user_id', value: 'anna'}]})
const set = (ctx: PrivacyContext, id: string) => withRequestScope(ctx, id, undefined, (scope) => restrict(ctx, scope))
const lift = (ctx: PrivacyContext, id: string) =>
  withRequestScope(ctx, id, undefined, (scope) => liftRestriction(ctx, scope))

for (const k of kinds) {
  test(`${k.name}: restrict and lift each write one entry with the records, status and rows`, async () => {
    const r = await k.run(async (ctx) => {
      const req = await openAnna(ctx)
      const before = await auditCount(ctx)
      const set1 = await set(ctx, req.id)
      const setEntries = await entriesAfter(ctx, before)
      const rows = await activeRows(ctx, req.id)
      const status = (await getRequest(ctx.db, req.id)).status
      const lifted = await lift(ctx, req.id)
      return {
        req,
        before,
        set1,
        setEntries,
        rows,
        status,
        lifted,
        liftEntries: await entriesAfter(ctx, before + 1),
        rowsAfter: await activeRows(ctx, req.id),
        statusAfter: (await getRequest(ctx.db, req.id)).status,
      }
    })
    assert.ok(r.rows > 0, 'anna has records in the seeded node')
    assert.is(r.status, 'restricted')
    assert.is(r.setEntries.length, 1)
    assert.is(r.setEntries[0].event, 'restriction.set')
    assert.is(r.setEntries[0].requestId, r.req.id)
    assert.equal(
      r.setEntries[0].subjects,
      r.req.subjects.map((s) => s.hash),
    )
    assert.equal(r.setEntries[0].details, {records: r.set1.records, unreachable: []})
    assert.is(r.liftEntries.length, 1)
    assert.is(r.liftEntries[0].event, 'restriction.lifted')
    assert.equal(r.liftEntries[0].details, {records: r.lifted.records})
    assert.is(r.rowsAfter, 0)
    assert.is(r.statusAfter, 'done')
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, r.before + 2)
  })

  test(`${k.name}: restrict or lift whose audit append fails changes neither rows nor status`, async () => {
    const r = await k.run(async (ctx) => {
      const req = await openAnna(ctx)
      const entriesBefore = await auditCount(ctx)
      let unblock = await blockNextAppend(ctx)
      await set(ctx, req.id).then(
        () => assert.unreachable('restrict should have failed'),
        (err) => assert.match(String(err), FAILED_APPEND),
      )
      await unblock()
      const afterSet = {
        rows: await activeRows(ctx, req.id),
        status: (await getRequest(ctx.db, req.id)).status,
        entries: await auditCount(ctx),
      }
      await set(ctx, req.id)
      const rowsSet = await activeRows(ctx, req.id)
      const entriesSet = await auditCount(ctx)
      unblock = await blockNextAppend(ctx)
      await lift(ctx, req.id).then(
        () => assert.unreachable('lift should have failed'),
        (err) => assert.match(String(err), FAILED_APPEND),
      )
      await unblock()
      return {
        entriesBefore,
        afterSet,
        rowsSet,
        entriesSet,
        afterLift: {
          rows: await activeRows(ctx, req.id),
          status: (await getRequest(ctx.db, req.id)).status,
          entries: await auditCount(ctx),
        },
      }
    })
    assert.equal(r.afterSet, {rows: 0, status: 'open', entries: r.entriesBefore})
    assert.ok(r.rowsSet > 0)
    assert.equal(r.afterLift, {rows: r.rowsSet, status: 'restricted', entries: r.entriesSet})
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, r.entriesSet)
  })
}

test.run()
