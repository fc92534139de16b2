// test-kind: e2e
// After `kill -9` the next start closes the killed node's open sessions at its last
// heartbeat, not at the restart time (src/sfu/heartbeat.ts, session-store.ts). Real node
// process, a real libwebrtc publisher, the real node.db.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {join} from 'node:path'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {HEARTBEAT_MS} from '../../src/sfu/heartbeat.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const RTC_PORTS = rtcPortSlot(10)
/** How late a beat may come on this loaded 2-core machine, beyond its interval. */
const TIMER_SLACK_MS = 1500

let node: TestNode | undefined
let pub: SyntheticPublisher | undefined

test.after(async () => {
  await pub?.close().catch(() => {})
  await releaseNativeObjects()
  await node?.stop()
})

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(join(dir, 'node.db'), {readonly: true, fileMustExist: true})
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('kill -9, then a restart: the open session ends at the last heartbeat, not at the restart', async () => {
  node = await startTestNode([], RTC_PORTS)
  const dir = node.dir
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room: 'crash', identity: 'alice@example.org', name: 'Alice'}),
  })
  const {token} = (await res.json()) as {token: string}
  pub = await SyntheticPublisher.publish({whipUrl: `${node.state.publicUrl}/whip/crash`, token})
  await waitFor(
    'the open session row',
    5000,
    () => query<{id: string}>(dir, "SELECT id FROM sessions WHERE room = 'crash' AND left_at IS NULL")[0],
  )
  // A beat after the session began, so that the leave time is the heartbeat's, not the join time.
  const joinedAt = query<{joined_at: string}>(dir, "SELECT joined_at FROM sessions WHERE room = 'crash'")[0]!.joined_at
  const seenBeat = await waitFor('a heartbeat after the join', HEARTBEAT_MS + TIMER_SLACK_MS + 2000, () => {
    const at = query<{at: string}>(dir, 'SELECT at FROM node_heartbeat')[0]?.at
    return at && at > joinedAt ? at : undefined
  })

  const killedAt = Date.now()
  const exited = new Promise((r) => node!.child.once('exit', r))
  node.child.kill('SIGKILL')
  await exited
  await pub.close().catch(() => {}) // its DELETE finds no node: nothing more to record
  pub = undefined

  const restartedAt = Date.now()
  node = await startTestNode([], RTC_PORTS, dir)
  const row = query<{left_at: string | null}>(dir, "SELECT left_at FROM sessions WHERE room = 'crash'")[0]!
  assert.ok(row.left_at, 'the crashed session was closed at the restart')
  const leftAt = Date.parse(row.left_at!)
  assert.ok(
    row.left_at! >= seenBeat,
    `left at ${row.left_at}, not before the last beat seen before the kill (${seenBeat})`,
  )
  assert.ok(leftAt <= killedAt, `left at ${row.left_at}, not after the kill (${new Date(killedAt).toISOString()})`)
  assert.ok(
    killedAt - leftAt <= HEARTBEAT_MS + TIMER_SLACK_MS,
    `left ${killedAt - leftAt} ms before the kill (heartbeat every ${HEARTBEAT_MS} ms)`,
  )
  assert.ok(leftAt < restartedAt, 'not the restart time')
})

test.run()
