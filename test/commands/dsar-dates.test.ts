// test-kind: e2e
// The dates operators type into the register, through the built CLI: `dsar open --received`
// (a request entered days after it arrived by letter is due a month after it arrived),
// `dsar extend` on a closed request, and `hold add --until` lasting through the day it names.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {rmSync} from 'node:fs'
import {withPrivacy} from '../../src/privacy/privacy-context.js'
import {setRequestStatus} from '../../src/privacy/request-register.js'
import {cli, seedNode, tempHome} from '../privacy/helpers.js'

const home = tempHome('confctl-dsar-dates-')
seedNode(home)
// The CLI runs with a clean environment: pass TZ on so that it and this test agree on "today".
const env: Record<string, string> = {CONFCTL_ACTOR: 'dates-test', ...(process.env.TZ ? {TZ: process.env.TZ} : {})}
test.after(() => rmSync(home, {recursive: true, force: true}))

/** A local calendar day relative to today, as YYYY-MM-DD (what an operator types). */
function localDay(offsetDays: number): string {
  const d = new Date()
  d.setDate(d.getDate() + offsetDays)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

const open = (...extra: string[]) =>
  cli(home, ['dsar', 'open', '--type', 'access', '--subject', 'user_id=anna', '--json', ...extra], env)

test('dsar open --received: the deadline counts from the day the request arrived', async () => {
  const day = localDay(-6)
  const r = await open('--received', day)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.json.receivedAt, `${day}T00:00:00.000Z`)
  const due = new Date(`${day}T00:00:00Z`)
  due.setUTCMonth(due.getUTCMonth() + 1)
  if (due.getUTCDate() !== Number(day.slice(8))) due.setUTCDate(0) // the 31st plus a month: last day
  assert.is(r.json.dueAt, due.toISOString())
  const today = await open('--received', localDay(0))
  assert.is(today.exitCode, 0, `today is not in the future: ${today.stderr}`)
})

test('dsar open --received: a day after today or not a date is refused (exit 2, one line), nothing recorded', async () => {
  const before = (await cli(home, ['dsar', 'list', '--json'], env)).json.requests.length
  for (const [value, msg] of [
    [localDay(1), 'is in the future'],
    ['24.11.2026', "--received must be a date like 2025-12-31, got '24.11.2026'"],
    ['2026-02-30', "got '2026-02-30'"],
  ] as const) {
    const r = await open('--received', value)
    assert.is(r.exitCode, 2, `${value}: ${r.stdout} ${r.stderr}`)
    assert.match(r.stderr, msg)
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  }
  assert.is((await cli(home, ['dsar', 'list', '--json'], env)).json.requests.length, before)
})

test('dsar extend refuses a request that is done (exit 2, one line) and leaves it as it was', async () => {
  const r = await open()
  const id = r.json.id as string
  await withPrivacy((ctx) => setRequestStatus(ctx.db, id, 'done'), {...env, CONFCTL_HOME: home})
  const ext = await cli(home, ['dsar', 'extend', id, '--reason', 'more time'], env)
  assert.is(ext.exitCode, 2, ext.stdout + ext.stderr)
  assert.match(ext.stderr, `request '${id}' is done`)
  assert.is(ext.stderr.trim().split('\n').length, 1, ext.stderr)
  const show = await cli(home, ['dsar', 'show', id, '--json'], env)
  assert.is(show.json.request.dueAt, r.json.dueAt)
  assert.is(show.json.request.extendedReason, null)
})

test("hold add --until DAY holds through the end of that day on this machine's calendar; two days ago has ended", async () => {
  const today = localDay(0)
  const add = (until: string) =>
    cli(home, ['hold', 'add', '--store', 'node-edge1', '--reason', 'incident', '--until', until, '--json'], env)
  const h = await add(today)
  assert.is(h.exitCode, 0, h.stderr)
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  assert.is(h.json.until, new Date(new Date(y, m - 1, d + 1).getTime() - 1).toISOString())
  const past = await add(localDay(-2))
  assert.is(past.exitCode, 0, past.stderr)
  const human = await cli(home, ['hold', 'add', '--store', 'node-edge1', '--reason', 'x', '--until', '2027-12-31'], env)
  assert.match(human.stdout, 'through the end of 2027-12-31')
  const active = (await cli(home, ['hold', 'list', '--json'], env)).json.holds.map((x: {id: string}) => x.id)
  assert.ok(active.includes(h.json.id), 'a hold until today is still in force today')
  assert.not.ok(active.includes(past.json.id), 'a hold until two days ago has ended')
  const bad = await add('31.12.2027')
  assert.is(bad.exitCode, 2)
  assert.match(bad.stderr, "--until must be a date like 2025-12-31, got '31.12.2027'")
})

test.run()
