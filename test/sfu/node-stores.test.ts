// The node's own records, which data-subject requests search: sessions in node.db, the
// JSON-lines access log, and QoE samples that the node deletes itself after the retention.
// Real node process, real libwebrtc participants.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'

let node: TestNode

async function token(room: string, identity: string, name: string): Promise<string> {
  const res = await fetch(`${node.state.adminUrl}/v1/tokens`, {
    method: 'POST',
    headers: {authorization: `Bearer ${node.adminToken}`, 'content-type': 'application/json'},
    body: JSON.stringify({room, identity, name}),
  })
  return ((await res.json()) as {token: string}).token
}

const rows = <T>(sql: string, ...params: unknown[]): T[] => {
  const db = new Database(join(node.dir, 'node.db'), {readonly: true, fileMustExist: true})
  try {
    return db.prepare(sql).all(...params) as T[]
  } finally {
    db.close()
  }
}

test.before(async () => {
  node = await startTestNode(['--qoe-interval', '1s', '--qoe-retention', '3s'], '43000-43099')
})

test.after(async () => {
  await node?.stop()
})

test('a call leaves sessions, access-log lines and QoE samples; the node prunes samples after the retention', async () => {
  const room = 'records'
  let pub: SyntheticPublisher | undefined = await SyntheticPublisher.publish({whipUrl: `${node.state.publicUrl}/whip/${room}`, token: await token(room, 'alice@example.org', 'Alice A.')})
  let sub: SyntheticSubscription | undefined = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${room}/${pub.participantId}`,
    token: await token(room, 'bob@example.org', 'Bob B.'),
  })
  await new Promise((r) => setTimeout(r, 4000))
  assert.ok(sub.firstMediaMs.video !== undefined && sub.firstMediaMs.video < 3000, `first video frame after ${sub.firstMediaMs.video} ms`)

  const detail = (await (await fetch(`${node.state.adminUrl}/v1/rooms/${room}`, {headers: {authorization: `Bearer ${node.adminToken}`}})).json()) as {
    participantsList: Array<{role: string; streams: Array<{kind: string; direction: string; packets: number; pliCount: number; rttMs: number | null}>}>
  }
  const down = detail.participantsList.find((p) => p.role === 'subscriber')!.streams
  assert.ok(down.every((s) => s.packets > 0), 'media forwarded on both downlink streams')
  assert.ok(down.find((s) => s.kind === 'video')!.pliCount >= 0)
  assert.ok(down.some((s) => s.rttMs !== null), 'RTT known from receiver reports')

  const samples = rows<{identity: string; direction: string; user_agent: string}>('SELECT identity, direction, user_agent FROM qoe_samples')
  assert.ok(samples.some((s) => s.identity === 'alice@example.org' && s.direction === 'uplink'), 'uplink samples of the publisher')
  assert.ok(samples.some((s) => s.identity === 'bob@example.org' && s.direction === 'downlink'), 'downlink samples of the subscriber')

  await sub.close()
  await pub.close()
  sub = undefined
  pub = undefined
  await releaseNativeObjects()
  await new Promise((r) => setTimeout(r, 500))

  const sessions = rows<{identity: string; display_name: string; role: string; remote_ip: string; left_at: string | null}>('SELECT * FROM sessions WHERE room = ? ORDER BY role', room)
  assert.equal(
    sessions.map((s) => [s.role, s.identity, s.display_name, s.remote_ip]),
    [
      ['publisher', 'alice@example.org', 'Alice A.', '127.0.0.1'],
      ['subscriber', 'bob@example.org', 'Bob B.', '127.0.0.1'],
    ],
  )
  assert.ok(sessions.every((s) => s.left_at !== null), 'both sessions closed with a leave time')

  const log = readFileSync(join(node.dir, 'access.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const whip = log.find((e) => e.method === 'POST' && e.path === `/whip/${room}`)
  assert.ok(whip, 'the WHIP request is logged')
  assert.is(whip.status, 201)
  assert.ok(whip.bytes > 0)
  assert.is(whip.ip, '127.0.0.1')
  assert.ok(log.some((e) => e.method === 'DELETE' && e.path.startsWith(`/whip/${room}/`)), 'the leave is logged')

  // Nobody is left in a room; within retention + one interval every sample is gone.
  const deadline = Date.now() + 8000
  while (rows<{n: number}>('SELECT count(*) AS n FROM qoe_samples')[0]!.n > 0) {
    assert.ok(Date.now() < deadline, 'QoE samples older than the retention were not deleted')
    await new Promise((r) => setTimeout(r, 500))
  }
})

test('node files holding personal data or secrets are readable by the owner only', () => {
  for (const f of ['admin.token', 'join.secret', 'node.db', 'access.log']) {
    const mode = statSync(join(node.dir, f)).mode & 0o777
    assert.is(mode & 0o077, 0, `${f} has mode ${mode.toString(8)}`)
  }
})

test.run()
