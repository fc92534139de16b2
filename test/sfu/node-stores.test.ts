// test-kind: e2e
// The node's own records, which data-subject requests search: sessions in node.db, the
// JSON-lines access log, and QoE samples that the node deletes itself after the retention.
// Real node process, real libwebrtc participants. Each step waits for what it checks (media
// forwarded, samples written, sessions closed) with a deadline, never for a fixed time.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {SyntheticPublisher} from '../../src/client/publisher.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {until} from '../helpers/until.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

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
  node = await startTestNode(['--qoe-interval', '1s', '--qoe-retention', '3s'], rtcPortSlot(100))
})

test.after(async () => {
  await node?.stop()
})

test('a call leaves sessions, access-log lines and QoE samples; the node prunes samples after the retention', async () => {
  const room = 'records'
  let pub: SyntheticPublisher | undefined = await SyntheticPublisher.publish({
    whipUrl: `${node.state.publicUrl}/whip/${room}`,
    token: await token(room, 'alice@example.org', 'Alice A.'),
  })
  let sub: SyntheticSubscription | undefined = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/${room}/${pub.participantId}`,
    token: await token(room, 'bob@example.org', 'Bob B.'),
  })
  // What this test checks is what the call leaves in the stores, not how fast media starts (the
  // smoke report and bench:sfu measure that): a generous deadline for a busy CI machine.
  await until('the first video frame at the subscriber', () => sub!.firstMediaMs.video, 30_000, 50)

  type Detail = {
    participantsList: Array<{
      role: string
      streams: Array<{kind: string; direction: string; packets: number; pliCount: number; rttMs: number | null}>
    }>
  }
  const downlink = async () => {
    const detail = (await (
      await fetch(`${node.state.adminUrl}/v1/rooms/${room}`, {headers: {authorization: `Bearer ${node.adminToken}`}})
    ).json()) as Detail
    return detail.participantsList.find((p) => p.role === 'subscriber')?.streams ?? []
  }
  // RTT needs a receiver report back from the subscriber (every few seconds in libwebrtc).
  const down = await until(
    'media forwarded on both downlink streams and an RTT from receiver reports',
    async () => {
      const streams = await downlink()
      return (
        streams.length === 2 && streams.every((s) => s.packets > 0) && streams.some((s) => s.rttMs !== null) && streams
      )
    },
    15_000,
    200,
  )
  assert.ok(down.find((s) => s.kind === 'video')!.pliCount >= 0)

  type Sample = {identity: string; direction: string; user_agent: string}
  const hasSample = (samples: Sample[], identity: string, direction: string) =>
    samples.some((s) => s.identity === identity && s.direction === direction)
  await until(
    'QoE samples of the publisher (uplink) and the subscriber (downlink)',
    () => {
      const samples = rows<Sample>('SELECT identity, direction, user_agent FROM qoe_samples')
      return hasSample(samples, 'alice@example.org', 'uplink') && hasSample(samples, 'bob@example.org', 'downlink')
    },
    10_000,
    200,
  )

  await sub.close()
  await pub.close()
  sub = undefined
  pub = undefined
  await releaseNativeObjects()

  type Session = {identity: string; display_name: string; role: string; remote_ip: string; left_at: string | null}
  const closed = () => rows<Session>('SELECT * FROM sessions WHERE room = ? ORDER BY role', room)
  const sessions = await until(
    'both sessions closed with a leave time',
    () => {
      const s = closed()
      return s.length === 2 && s.every((x) => x.left_at !== null) && s
    },
    10_000,
    50,
  )
  assert.equal(
    sessions.map((s) => [s.role, s.identity, s.display_name, s.remote_ip]),
    [
      ['publisher', 'alice@example.org', 'Alice A.', '127.0.0.1'],
      ['subscriber', 'bob@example.org', 'Bob B.', '127.0.0.1'],
    ],
  )
  assert.ok(
    sessions.every((s) => s.left_at !== null),
    'both sessions closed with a leave time',
  )

  const readLog = () =>
    readFileSync(join(node.dir, 'access.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
  const log = await until(
    'the leave in the access log',
    () => {
      const lines = readLog()
      return lines.some((e) => e.method === 'DELETE' && e.path.startsWith(`/whip/${room}/`)) && lines
    },
    10_000,
    50,
  )
  const whip = log.find((e) => e.method === 'POST' && e.path === `/whip/${room}`)
  assert.ok(whip, 'the WHIP request is logged')
  assert.is(whip.status, 201)
  assert.ok(whip.bytes > 0)
  assert.is(whip.ip, '127.0.0.1')
  assert.ok(
    log.some((e) => e.method === 'DELETE' && e.path.startsWith(`/whip/${room}/`)),
    'the leave is logged',
  )

  // Nobody is left in a room; within retention + one interval every sample is gone.
  await until(
    'the deletion of QoE samples older than the retention',
    () => rows<{n: number}>('SELECT count(*) AS n FROM qoe_samples')[0]!.n === 0,
    8000,
    250,
  )
})

test('node files holding personal data or secrets are readable by the owner only', () => {
  for (const f of ['admin.token', 'join.secret', 'node.db', 'access.log']) {
    const mode = statSync(join(node.dir, f)).mode & 0o777
    assert.is(mode & 0o077, 0, `${f} has mode ${mode.toString(8)}`)
  }
})

test.run()
