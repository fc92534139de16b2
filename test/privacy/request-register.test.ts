// test-kind: e2e
// The request register records itself: openRequest and extendRequest write their audit
// entry in the same transaction as the change, whoever calls them (not only the CLI), so a
// failing append leaves neither the change nor an entry. On SQLite and PostgreSQL.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {extendRequest, getRequest, openRequest, setRequestStatus} from '../../src/privacy/request-register.js'
import {BadInputError} from '../../src/errors.js'
import {subjectHash, type Identifier} from '../../src/privacy/subject.js'
import {auditCount, blockNextAppend, entriesAfter, FAILED_APPEND, storeKinds} from './audit-stores.js'

const ANNA: Identifier[] = [
  {type: 'user_id', value: 'anna'},
  {type: 'ip', value: '203.0.113.7'},
]
const kinds = storeKinds()

test.after(async () => {
  for (const k of kinds) await k.dispose()
})

for (const k of kinds) {
  test(`${k.name}: openRequest writes one request.opened entry with the subjects' hashes`, async () => {
    const {req, before, added, hashes} = await k.run(async (ctx) => {
      const before = await auditCount(ctx)
      const req = await openRequest(ctx, {type: 'erasure', subjects: ANNA, note: 'by phone'})
      return {
        req,
        before,
        added: await entriesAfter(ctx, before),
        hashes: ANNA.map((s) => subjectHash(ctx.key, s)).sort(),
      }
    })
    assert.is(req.status, 'open')
    assert.is(added.length, 1)
    const e = added[0]
    assert.is(e.seq, before + 1)
    assert.is(e.event, 'request.opened')
    assert.is(e.requestId, req.id)
    assert.is(e.actor, 'auditor-test')
    assert.equal([...e.subjects].sort(), hashes)
    assert.equal(e.details, {type: 'erasure'})
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.ok(v.ok)
    assert.is(v.entries, before + 1)
  })

  test(`${k.name}: openRequest whose audit append fails leaves no request and no entry`, async () => {
    const {requestsBefore, requestsAfter, subjectsBefore, subjectsAfter, entriesBefore, entriesAfterFail} = await k.run(
      async (ctx) => {
        const count = async (table: string) =>
          Number((await ctx.db.all<{n: unknown}>(`SELECT COUNT(*) AS n FROM ${table}`))[0].n)
        const requestsBefore = await count('dsar_requests')
        const subjectsBefore = await count('dsar_subjects')
        const entriesBefore = await auditCount(ctx)
        const unblock = await blockNextAppend(ctx)
        try {
          await openRequest(ctx, {type: 'access', subjects: ANNA})
          assert.unreachable('the append should have failed')
        } catch (err) {
          assert.match(String(err), FAILED_APPEND)
        }
        const entriesAfterFail = (await auditCount(ctx)) - 1 // minus the planted row
        await unblock()
        return {
          requestsBefore,
          requestsAfter: await count('dsar_requests'),
          subjectsBefore,
          subjectsAfter: await count('dsar_subjects'),
          entriesBefore,
          entriesAfterFail,
        }
      },
    )
    assert.is(requestsAfter, requestsBefore)
    assert.is(subjectsAfter, subjectsBefore)
    assert.is(entriesAfterFail, entriesBefore)
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, entriesBefore)
  })

  test(`${k.name}: extendRequest writes one request.extended entry with the new due date and reason`, async () => {
    const {req, extended, before, added} = await k.run(async (ctx) => {
      const req = await openRequest(ctx, {type: 'access', subjects: ANNA})
      const before = await auditCount(ctx)
      const extended = await extendRequest(ctx, req.id, '  three archives to search ')
      return {req, extended, before, added: await entriesAfter(ctx, before)}
    })
    assert.is(extended.extendedReason, 'three archives to search')
    assert.ok(extended.dueAt > req.dueAt)
    assert.is(added.length, 1)
    const e = added[0]
    assert.is(e.event, 'request.extended')
    assert.is(e.requestId, req.id)
    assert.is(e.actor, 'auditor-test')
    assert.equal([...e.subjects].sort(), req.subjects.map((s) => s.hash).sort())
    assert.equal(e.details, {dueAt: extended.dueAt, reason: 'three archives to search'})
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, before + 1)
  })

  test(`${k.name}: extendRequest whose audit append fails leaves the due date and no entry`, async () => {
    const {req, after, entriesBefore, entriesAfterFail, retried} = await k.run(async (ctx) => {
      const req = await openRequest(ctx, {type: 'access', subjects: ANNA})
      const entriesBefore = await auditCount(ctx)
      const unblock = await blockNextAppend(ctx)
      try {
        await extendRequest(ctx, req.id, 'more time')
        assert.unreachable('the append should have failed')
      } catch (err) {
        assert.match(String(err), FAILED_APPEND)
      }
      const entriesAfterFail = (await auditCount(ctx)) - 1
      await unblock()
      const after = await getRequest(ctx.db, req.id)
      // Nothing was half-done: the one extension Art. 12(3) allows is still available.
      const retried = await extendRequest(ctx, req.id, 'more time')
      return {req, after, entriesBefore, entriesAfterFail, retried}
    })
    assert.is(after.dueAt, req.dueAt)
    assert.is(after.extendedReason, null)
    assert.is(entriesAfterFail, entriesBefore)
    assert.is(retried.extendedReason, 'more time')
    const v = await k.verify()
    assert.is(v.exitCode, 0, v.stderr)
    assert.is(v.entries, entriesBefore + 1)
  })

  test(`${k.name}: a request received by letter days before it is entered is due one month after receipt`, async () => {
    const now = new Date('2026-11-30T09:00:00Z')
    const {req, added} = await k.run(async (ctx) => {
      const before = await auditCount(ctx)
      const req = await openRequest(ctx, {
        type: 'access',
        subjects: ANNA,
        now,
        receivedDay: new Date('2026-11-24T00:00:00Z'),
      })
      return {req, added: await entriesAfter(ctx, before)}
    })
    assert.is(req.receivedAt, '2026-11-24T00:00:00.000Z')
    assert.is(req.dueAt, '2026-12-24T00:00:00.000Z', 'due counts from the received day, not the day entered')
    assert.equal(added[0]!.details, {type: 'access', receivedAt: '2026-11-24T00:00:00.000Z'})
  })

  test(`${k.name}: a received day after today is refused before anything is written`, async () => {
    const now = new Date(2026, 10, 30, 12) // noon local time, 30 Nov 2026
    const {err, requestsBefore, requestsAfter, entriesBefore, entriesAfter} = await k.run(async (ctx) => {
      const count = async () =>
        Number((await ctx.db.all<{n: unknown}>('SELECT COUNT(*) AS n FROM dsar_requests'))[0]!.n)
      const requestsBefore = await count()
      const entriesBefore = await auditCount(ctx)
      const err = await openRequest(ctx, {
        type: 'access',
        subjects: ANNA,
        now,
        receivedDay: new Date('2026-12-01T00:00:00Z'),
      }).catch((e: unknown) => e)
      return {err, requestsBefore, requestsAfter: await count(), entriesBefore, entriesAfter: await auditCount(ctx)}
    })
    assert.instance(err, BadInputError)
    assert.match(String((err as Error).message), '--received 2026-12-01 is in the future')
    assert.is(requestsAfter, requestsBefore)
    assert.is(entriesAfter, entriesBefore)
  })

  test(`${k.name}: extendRequest refuses a request that is done or cancelled, and writes nothing`, async () => {
    for (const status of ['done', 'cancelled']) {
      const {err, after, req, entriesBefore, entriesAfter} = await k.run(async (ctx) => {
        const req = await openRequest(ctx, {type: 'erasure', subjects: ANNA})
        await setRequestStatus(ctx.db, req.id, status as 'done')
        const entriesBefore = await auditCount(ctx)
        const err = await extendRequest(ctx, req.id, 'more time').catch((e: unknown) => e)
        return {err, after: await getRequest(ctx.db, req.id), req, entriesBefore, entriesAfter: await auditCount(ctx)}
      })
      assert.instance(err, BadInputError, status)
      assert.match((err as Error).message, `request '${req.id}' is ${status}; only a request still being answered`)
      assert.is(after.dueAt, req.dueAt)
      assert.is(after.extendedReason, null)
      assert.is(entriesAfter, entriesBefore)
    }
  })
}

test.run()
