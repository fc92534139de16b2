// test-kind: e2e
// Room commands against the real node with a real WebRTC publisher (@roamhq/wrtc over WHIP):
// room list / show (participants and stream stats) / kick / close through the built CLI.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, killAll, processesMentioning, randomRtcRange} from './helpers.js'
import {publish, type Publisher} from './whip-publisher.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-room-'))
const run = (...args: string[]) => cli(home, args)
const publishers: Publisher[] = []
let publicUrl = ''

async function join_(room: string, identity: string): Promise<Publisher> {
  const t = await run(
    'token',
    'create',
    '--room',
    room,
    '--identity',
    identity,
    '--name',
    identity.toUpperCase(),
    '--json',
  )
  assert.is(t.exitCode, 0, t.stderr)
  const p = await publish(publicUrl, room, JSON.parse(t.stdout).token)
  publishers.push(p)
  return p
}

test.before(async () => {
  const r = await run(
    'node',
    'up',
    '--name',
    'rooms',
    '--port',
    '0',
    '--admin-port',
    '0',
    '--rtc-ports',
    randomRtcRange(),
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  publicUrl = JSON.parse(r.stdout).publicUrl
})

test.after(async () => {
  for (const p of publishers) await p.close().catch(() => {})
  await run('node', 'down', 'rooms', '--timeout', '5s')
  killAll(processesMentioning(home))
  rmSync(home, {recursive: true, force: true})
})

test('a publisher shows up in room list and room show, with stream stats', async () => {
  const alice = await join_('standup', 'alice')
  const list = JSON.parse((await run('room', 'list', '--json')).stdout)
  assert.is(list.node, 'rooms')
  assert.is(list.rooms.length, 1)
  assert.equal(
    {name: list.rooms[0].name, participants: list.rooms[0].participants, publishers: list.rooms[0].publishers},
    {name: 'standup', participants: 1, publishers: 1},
  )

  // Give the node a couple of seconds of RTP to measure.
  await new Promise((r) => setTimeout(r, 2500))
  const show = await run('room', 'show', 'standup', '--json')
  assert.is(show.exitCode, 0, show.stderr)
  const {node, room} = JSON.parse(show.stdout)
  assert.is(node, 'rooms')
  const [p] = room.participantsList
  assert.equal(
    {id: p.id, identity: p.identity, name: p.name, role: p.role},
    {id: alice.id, identity: 'alice', name: 'ALICE', role: 'publisher'},
  )
  const kinds = p.streams.map((s: {kind: string}) => s.kind).sort()
  assert.equal(kinds, ['audio', 'video'])
  assert.ok(
    p.streams.every((s: {packets: number}) => s.packets > 0),
    'the node received RTP',
  )

  const human = await run('room', 'show', 'standup')
  assert.is(human.exitCode, 0)
  assert.match(human.stdout, /1 person in 1 session \(1 publishing/)
  const aliceLine = human.stdout.split('\n').find((l) => /^alice\s+ALICE\s+publisher\s+connected/.test(l))
  assert.ok(aliceLine?.trimEnd().endsWith(alice.id), `alice's row ends with her session id:\n${human.stdout}`)
  assert.match(human.stdout, /uplink\s+audio\s+opus/)
  assert.match(human.stdout, /uplink\s+video\s+VP8/i)
})

test('kick by id: exit 0, the session is gone; kick of an unknown participant is exit 2', async () => {
  const bob = await join_('standup', 'bob')
  const unknown = await run('room', 'kick', 'standup', 'nobody')
  assert.is(unknown.exitCode, 2)
  assert.match(unknown.stderr, /participant 'nobody' is not in room 'standup' on node 'rooms'/)
  const r = await run('room', 'kick', 'standup', bob.id, '--json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), {node: 'rooms', room: 'standup', participant: bob.id, kicked: [bob.id]})
  const {room} = JSON.parse((await run('room', 'show', 'standup', '--json')).stdout)
  assert.equal(
    room.participantsList.map((p: {id: string}) => p.id),
    [publishers[0].id],
  )
})

test('close: everyone is disconnected, the room is gone', async () => {
  await join_('standup', 'carol')
  const r = await run('room', 'close', 'standup', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), {node: 'rooms', room: 'standup', closed: true, participants: 2})
  const show = await run('room', 'show', 'standup')
  assert.is(show.exitCode, 2)
  assert.equal(JSON.parse((await run('room', 'list', '--json')).stdout).rooms, [])
})

test.run()
