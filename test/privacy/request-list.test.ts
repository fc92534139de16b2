// test-kind: e2e
// dsar list's domain function: nothing (and nothing created) on a machine without a privacy
// store; otherwise every request with the whole days left to its due date, overdue negative.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {readdirSync, rmSync} from 'node:fs'
import {withPrivacy} from '../../src/privacy/privacy-context.js'
import {openRequest} from '../../src/privacy/request-register.js'
import {listRequestsWithDeadlines} from '../../src/privacy/request-list.js'
import {tempHome} from './helpers.js'

const home = tempHome('confctl-request-list-')
const env = {...process.env, CONFCTL_HOME: home, CONFCTL_STORE_URL: ''}

test.after(() => rmSync(home, {recursive: true, force: true}))

test('a fresh home: no requests, and no key or database created', async () => {
  assert.equal(await listRequestsWithDeadlines({env}), [])
  assert.equal(readdirSync(home), [])
})

test('days left to the due date, negative once overdue', async () => {
  const opened = new Date('2026-01-10T12:00:00Z')
  const req = await withPrivacy(
    (ctx) => openRequest(ctx, {type: 'access', subjects: [{type: 'user_id', value: 'anna'}], now: opened}),
    env,
  )
  const due = Date.parse(req.dueAt)
  const [inTime] = await listRequestsWithDeadlines({env, now: new Date(due - 3 * 86_400_000)})
  assert.is(inTime!.id, req.id)
  assert.is(inTime!.daysLeft, 3)
  const [late] = await listRequestsWithDeadlines({env, now: new Date(due + 2 * 86_400_000)})
  assert.is(late!.daysLeft, -2)
})

test.run()
