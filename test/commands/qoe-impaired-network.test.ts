// test-kind: serial (measured loss ratios on a shaped link: next to a packet flood the host leg lost 2 % more; next to browser tests its publisher once sent nothing in 30 s)
// A real impaired network: one participant lives in a network namespace joined to the host
// by a veth pair, and nftables drops 5 % of its UDP packets in one direction only. The node
// and the other participant run on the host. `confctl qoe inspect --live` must report loss
// near 5 % on the impaired leg and attribute it to the right direction:
//   - subscriber in the namespace, incoming packets dropped -> its downlink loses;
//   - publisher in the namespace, outgoing packets dropped  -> its uplink loses, and the
//     host subscriber's loss is blamed on that uplink.
// Audio is asserted: Opus is sent without NACK, so the loss stays visible (video is repaired).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawn, type ChildProcess} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {cli, killAll, processesMentioning, randomRtcRange, root} from './helpers.js'
import {createNetns, type Netns} from '../helpers/netns.js'
import {until} from '../helpers/until.js'
import type {ParticipantInfo} from '../../src/api/node-api.js'
import type {NodeStream} from '../../src/qoe/node-streams.js'

const PARTICIPANT = join(root, 'dist', 'test', 'helpers', 'netns-participant.js')
const DROP_PERCENT = 5
const home = mkdtempSync(join(tmpdir(), 'confctl-impair-'))
let ns: Netns
let publicUrl = ''
const children: ChildProcess[] = []

function participant(inNs: boolean, args: string[]): Promise<{child: ChildProcess; first: Record<string, string>}> {
  const cmd = inNs ? 'ip' : process.execPath
  const argv = inNs ? ['netns', 'exec', ns.name, process.execPath, PARTICIPANT, ...args] : [PARTICIPANT, ...args]
  const child = spawn(cmd, argv, {stdio: ['ignore', 'pipe', 'pipe']})
  children.push(child)
  let err = ''
  child.stderr!.on('data', (c) => (err += c))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`participant did not join within 20 s: ${err}`)), 20_000)
    createInterface({input: child.stdout!}).once('line', (line) => {
      clearTimeout(timer)
      resolve({child, first: JSON.parse(line)})
    })
    child.once('exit', (code) => reject(new Error(`participant exited with ${code}: ${err}`)))
  })
}

async function token(room: string, identity: string): Promise<string> {
  const r = await cli(home, ['token', 'create', '--room', room, '--identity', identity, '--json'])
  assert.is(r.exitCode, 0, r.stderr)
  return JSON.parse(r.stdout).token
}

async function inspect(room: string, duration = '10s'): Promise<NodeStream[]> {
  const r = await cli(home, ['qoe', 'inspect', '--room', room, '--live', '--duration', duration, '--json'])
  assert.is(r.exitCode, 0, r.stderr)
  return JSON.parse(r.stdout).streams
}

const audio = (streams: NodeStream[], identity: string, direction: string) =>
  streams.find((s) => s.identity === identity && s.direction === direction && s.kind === 'audio')

/** Waits until audio flows on both legs and has for WARM_UP_MS since the subscriber joined
 *  (the measured window then starts on settled media). A stream is listed as soon as its
 *  session is admitted, before DTLS, which 5 % loss can delay by seconds (a lost flight is
 *  resent after 1, 2, 4 s): so the condition is on the counters. The node has received
 *  packets from the speaker, and the listener has sent two receiver reports (its expected
 *  count is known), which it only does for media it receives. Bounded well below the
 *  participants' 60 s. */
const WARM_UP_MS = 4000
async function bothLegsFlowing(room: string, speaker: string, listener: string, joinedAt: number): Promise<void> {
  let seen = ''
  await until(
    `audio flowing from ${speaker} through the node to ${listener}`,
    async () => {
      const r = await cli(home, ['room', 'show', room, '--json'])
      if (r.exitCode !== 0) return false
      const people: ParticipantInfo[] = JSON.parse(r.stdout).room.participantsList
      const leg = (identity: string) =>
        people.find((p) => p.identity === identity)?.streams.find((s) => s.kind === 'audio')
      const up = leg(speaker)
      const down = leg(listener)
      seen = JSON.stringify({up: up?.packets, down: down?.packets, reported: down?.reportedExpected})
      return (
        Date.now() - joinedAt >= WARM_UP_MS &&
        (up?.packets ?? 0) >= 100 && // 2 s of Opus
        down?.reportedExpected !== null &&
        down?.reportedExpected !== undefined
      )
    },
    30_000,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last seen: ${seen})`)
  })
}

test.before(async () => {
  ns = createNetns()
  const up = await cli(home, [
    'node',
    'up',
    '--name',
    'impair',
    '--port',
    '0',
    '--admin-port',
    '0',
    '--rtc-ports',
    randomRtcRange(),
    '--announce-ip',
    ns.hostIp,
    '--json',
  ])
  assert.is(up.exitCode, 0, up.stderr)
  publicUrl = JSON.parse(up.stdout).publicUrl
  assert.ok(publicUrl, `node up --json gave a public URL: ${up.stdout}`)
})

test.after(async () => {
  for (const c of children) c.kill('SIGKILL')
  await cli(home, ['node', 'down', 'impair'])
  killAll(processesMentioning(home))
  ns?.destroy()
})

test(`downlink: ${DROP_PERCENT} % dropped into the subscriber's namespace is the subscriber's downlink`, async () => {
  const room = 'impair-down'
  ns.dropUdp(DROP_PERCENT, 'input')
  try {
    const pub = await participant(false, ['publish', `${publicUrl}/whip/${room}`, await token(room, 'speaker'), '60'])
    await participant(true, [
      'subscribe',
      `${publicUrl}/whep/${room}/${pub.first.participantId}`,
      await token(room, 'listener'),
      '60',
    ])
    const joined = Date.now()
    await bothLegsFlowing(room, 'speaker', 'listener', joined)
    const streams = await inspect(room)
    const up = audio(streams, 'speaker', 'uplink')!
    const down = audio(streams, 'listener', 'downlink')!
    assert.ok(
      up && down,
      `both audio streams reported: ${JSON.stringify(streams.map((s) => [s.identity, s.direction, s.kind]))}`,
    )
    console.log(`downlink case: uplink loss ${up.totalLossPercent} %, downlink loss ${down.totalLossPercent} %`)
    assert.ok(up.totalLossPercent! < 1, `uplink loss ${up.totalLossPercent} % should be ~0`)
    assert.ok(
      down.totalLossPercent! > 2 && down.totalLossPercent! < 9,
      `downlink loss ${down.totalLossPercent} % should be near ${DROP_PERCENT} %`,
    )
    assert.is(down.attribution?.leg, 'downlink', JSON.stringify(down.attribution))
  } finally {
    ns.exec(['nft', 'delete', 'table', 'inet', 'confctl_impair'])
    for (const c of children.splice(0)) c.kill('SIGKILL') // not sending into the next test's window
  }
})

test(`uplink: ${DROP_PERCENT} % dropped out of the publisher's namespace is the publisher's uplink`, async () => {
  const room = 'impair-up'
  ns.dropUdp(DROP_PERCENT, 'output')
  try {
    const pub = await participant(true, [
      'publish',
      `${publicUrl}/whip/${room}`,
      await token(room, 'remote-speaker'),
      '60',
    ])
    await participant(false, [
      'subscribe',
      `${publicUrl}/whep/${room}/${pub.first.participantId}`,
      await token(room, 'host-listener'),
      '60',
    ])
    const joined = Date.now()
    await bothLegsFlowing(room, 'remote-speaker', 'host-listener', joined)
    const streams = await inspect(room)
    const up = audio(streams, 'remote-speaker', 'uplink')!
    const down = audio(streams, 'host-listener', 'downlink')!
    assert.ok(up && down, 'both audio streams reported')
    console.log(`uplink case: uplink loss ${up.totalLossPercent} %, downlink loss ${down.totalLossPercent} %`)
    assert.ok(
      up.totalLossPercent! > 2 && up.totalLossPercent! < 9,
      `uplink loss ${up.totalLossPercent} % should be near ${DROP_PERCENT} %`,
    )
    assert.is(down.attribution?.leg, 'uplink', JSON.stringify(down.attribution))
  } finally {
    ns.exec(['nft', 'delete', 'table', 'inet', 'confctl_impair'])
    for (const c of children.splice(0)) c.kill('SIGKILL') // not sending into the next test's window
  }
})

test.run()
