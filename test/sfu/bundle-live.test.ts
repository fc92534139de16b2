// test-kind: e2e
// BUNDLE shapes against a real node process, with libwebrtc clients whose own getStats()
// says what arrived: a max-bundle publisher whose second section is bundle-only (port 0,
// as Firefox and GStreamer write it) still delivers both streams; video before audio;
// audio-only and video-only sessions; and an offer with a data channel and a second video,
// whose extra sections are answered with port 0 outside the BUNDLE group, never dropped.
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import {parseOffer} from '../../src/sfu/sdp-sections.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {
  makeBundleOnly,
  mediaCounts,
  openSession,
  pollUntil,
  tokenFor,
  type SessionShape,
  type WrtcSession,
} from '../helpers/wrtc-session.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const test = suite('BUNDLE (live node)')
let node: TestNode
const open: WrtcSession[] = []

test.before(async () => {
  node = await startTestNode([], rtcPortSlot(100))
})

test.after.each(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined)
})

test.after(async () => {
  await releaseNativeObjects()
  await node.stop()
})

async function publish(room: string, shape: SessionShape): Promise<WrtcSession> {
  const s = await openSession(
    `${node.state.publicUrl}/whip/${room}`,
    await tokenFor(node, room, 'pub'),
    'publish',
    shape,
  )
  open.push(s)
  assert.is(s.result.status, 201, s.result.text)
  assert.ok(await s.connected(), `publisher connected (${s.pc.connectionState})`)
  return s
}

async function subscribe(room: string, publisherId: string, shape: SessionShape, who = 'sub'): Promise<WrtcSession> {
  const s = await openSession(
    `${node.state.publicUrl}/whep/${room}/${publisherId}`,
    await tokenFor(node, room, who),
    'subscribe',
    shape,
  )
  open.push(s)
  assert.is(s.result.status, 201, s.result.text)
  assert.ok(await s.connected(), `subscriber connected (${s.pc.connectionState})`)
  return s
}

/** Waits for decoded frames and audio samples to rise at the subscriber; returns the counts. */
async function assertMedia(sub: WrtcSession, want: {video: boolean; audio: boolean}): Promise<void> {
  const ok = (m: {video: number; audio: number}) => (!want.video || m.video > 5) && (!want.audio || m.audio > 4800)
  const first = await pollUntil(() => mediaCounts(sub), ok, 20_000)
  assert.ok(ok(first), `media arrives: ${JSON.stringify(first)}`)
  const later = await pollUntil(
    () => mediaCounts(sub),
    (m) => (!want.video || m.video > first.video) && (!want.audio || m.audio > first.audio),
    10_000,
  )
  if (want.video) assert.ok(later.video > first.video, `framesDecoded rising: ${first.video} -> ${later.video}`)
  else assert.is(later.video, 0, 'no video')
  if (want.audio) assert.ok(later.audio > first.audio, `audio samples rising: ${first.audio} -> ${later.audio}`)
  else assert.is(later.audio, 0, 'no audio')
}

const bundleGroup = (sdp: string) => /^a=group:BUNDLE (.*?)\r?$/m.exec(sdp)?.[1]?.split(' ') ?? []

test('max-bundle with a bundle-only second section: both streams reach a subscriber', async () => {
  const pub = await publish('max-bundle', {
    sections: ['audio', 'video'],
    bundlePolicy: 'max-bundle',
    editOffer: makeBundleOnly,
  })
  assert.match(
    pub.offer,
    /^m=video 0 [^\r]*\r\nc=[^\r]*\r\n(?:a=[^\r]*\r\n)*?a=bundle-only\r$/m,
    'the offer really has a bundle-only video section',
  )
  const answer = parseOffer(pub.result.text)
  assert.equal(
    answer.sections.map((s) => [s.kind, s.port !== 0]),
    [
      ['audio', true],
      ['video', true],
    ],
    'both sections served',
  )
  assert.equal(bundleGroup(pub.result.text), ['0', '1'])
  const sub = await subscribe('max-bundle', pub.id, {
    sections: ['audio', 'video'],
    bundlePolicy: 'max-bundle',
    editOffer: makeBundleOnly,
  })
  await assertMedia(sub, {video: true, audio: true})
})

test('video before audio, in both offers: both streams arrive', async () => {
  const pub = await publish('video-first', {sections: ['video', 'audio']})
  assert.equal(
    parseOffer(pub.result.text).sections.map((s) => s.kind),
    ['video', 'audio'],
    'the answer keeps the m-line order',
  )
  const sub = await subscribe('video-first', pub.id, {sections: ['video', 'audio']})
  await assertMedia(sub, {video: true, audio: true})
})

test('audio-only publisher: a subscriber offering audio and video gets audio, its video section rejected with port 0', async () => {
  const pub = await publish('audio-only', {sections: ['audio']})
  const sub = await subscribe('audio-only', pub.id, {sections: ['audio', 'video']})
  const answer = parseOffer(sub.result.text)
  assert.equal(
    answer.sections.map((s) => [s.kind, s.port]),
    [
      ['audio', 9],
      ['video', 0],
    ],
  )
  assert.equal(bundleGroup(sub.result.text), ['0'], 'the rejected section is outside the BUNDLE group')
  await assertMedia(sub, {video: false, audio: true})
})

test('video-only publisher and subscriber', async () => {
  const pub = await publish('video-only', {sections: ['video']})
  const sub = await subscribe('video-only', pub.id, {sections: ['video']})
  await assertMedia(sub, {video: true, audio: false})
})

test('a data channel and a second video: answered with port 0 outside BUNDLE; the first audio and video are forwarded', async () => {
  const pub = await publish('extra', {sections: ['audio', 'video', 'video'], dataChannel: true})
  const offer = parseOffer(pub.offer)
  assert.equal(
    offer.sections.map((s) => s.kind),
    ['audio', 'video', 'video', 'application'],
  )
  const answer = parseOffer(pub.result.text)
  assert.equal(
    answer.sections.map((s) => [s.kind, s.port === 0 ? 'rejected' : 'served', s.mid]),
    [
      ['audio', 'served', '0'],
      ['video', 'served', '1'],
      ['video', 'rejected', '2'],
      ['application', 'rejected', '3'],
    ],
  )
  assert.equal(bundleGroup(pub.result.text), ['0', '1'])
  assert.ok(answer.sections[2]!.lines.includes('a=inactive'), 'the second video is inactive')
  const sub = await subscribe('extra', pub.id, {sections: ['audio', 'video']})
  await assertMedia(sub, {video: true, audio: true})
})

test.run()
