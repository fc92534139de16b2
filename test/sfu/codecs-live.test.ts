// test-kind: e2e
// Codecs against a real node process: a VP9 publisher stays VP9 for its subscribers (frames
// decoded by libwebrtc), an H.264 publisher (werift as the client: @roamhq/wrtc is built
// without H.264, so its packets are checked byte for byte instead of decoded), an OBS-style
// H.264-only offer, a subscriber that cannot receive the publisher's codec (400
// codec_mismatch naming both lists), a node restricted with --codecs, and the real codec in
// the admin API (what room show, top and the QoE store read).
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {
  MediaStreamTrack,
  RTCPeerConnection as WeriftPeer,
  RtpHeader,
  RtpPacket,
  useH264,
  useOPUS,
  type RTCRtpTransceiver,
} from 'werift'
import {inboundStreams} from '../../src/client/stats.js'
import {SyntheticSubscription} from '../../src/client/subscriber.js'
import {releaseNativeObjects} from '../../src/client/wrtc.js'
import type {ParticipantInfo, RoomDetail} from '../../src/api/node-api.js'
import {startTestNode, type TestNode} from '../helpers/sfu-process.js'
import {mediaCounts, openSession, pollUntil, postSdp, tokenFor, type WrtcSession} from '../helpers/wrtc-session.js'
import {rtcPortSlot} from '../helpers/rtc-port-slots.js'

const test = suite('codecs (live node)')
let node: TestNode
const open: Array<{close(): Promise<void>}> = []

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

async function session(
  room: string,
  who: string,
  role: 'publish' | 'subscribe',
  shape: Parameters<typeof openSession>[3],
  publisherId = '',
): Promise<WrtcSession> {
  const url =
    role === 'publish' ? `${node.state.publicUrl}/whip/${room}` : `${node.state.publicUrl}/whep/${room}/${publisherId}`
  const s = await openSession(url, await tokenFor(node, room, who), role, shape)
  open.push(s)
  return s
}

async function roomDetail(room: string): Promise<RoomDetail> {
  const res = await fetch(`${node.state.adminUrl}/v1/rooms/${room}`, {
    headers: {authorization: `Bearer ${node.adminToken}`},
  })
  assert.is(res.status, 200, `admin API room ${room}`)
  return (await res.json()) as RoomDetail
}

async function participant(room: string, id: string): Promise<ParticipantInfo> {
  const found = (await roomDetail(room)).participantsList.find((p) => p.id === id)
  if (!found) throw new Error(`participant ${id} is not in room ${room}`)
  return found
}

const codecOf = (p: ParticipantInfo, kind: string) => p.streams.find((s) => s.kind === kind)?.codec

test('a VP9 publisher stays VP9: its subscriber decodes VP9 frames, the admin API says VP9 both ways', async () => {
  const pub = await session('vp9', 'alice', 'publish', {sections: ['audio', 'video'], videoCodecs: ['VP9']})
  assert.is(pub.result.status, 201, pub.result.text)
  assert.match(pub.result.text, /^a=rtpmap:\d+ VP9\/90000/m)
  assert.not.match(pub.result.text, /^a=rtpmap:\d+ VP8\//m, 'the answer carries only the chosen codec')
  assert.ok(await pub.connected(), 'publisher connected')
  // The subscriber offers libwebrtc's whole list (VP8 first): it must still get VP9.
  const sub = await session('vp9', 'bob', 'subscribe', {sections: ['audio', 'video']}, pub.id)
  assert.is(sub.result.status, 201, sub.result.text)
  assert.ok(await sub.connected(), 'subscriber connected')
  const first = await pollUntil(
    () => mediaCounts(sub),
    (m) => m.video > 0 && m.audio > 0,
    20_000,
  )
  const later = await pollUntil(
    () => mediaCounts(sub),
    (m) => m.video > first.video + 10,
    20_000,
  )
  assert.ok(later.video > first.video + 10, `framesDecoded rising: ${first.video} -> ${later.video}`)
  assert.ok(later.codecs.includes('video:VP9'), `subscriber decodes VP9 (${later.codecs.join(', ')})`)
  const up = await pollUntil(
    () => participant('vp9', pub.id),
    (p) => p.streams.length === 2,
    10_000,
  )
  const down = await participant('vp9', sub.id)
  assert.is(codecOf(up, 'video'), 'VP9')
  assert.is(codecOf(up, 'audio'), 'opus')
  assert.is(codecOf(down, 'video'), 'VP9')
  assert.is(codecOf(down, 'audio'), 'opus')
})

test("confctl's synthetic subscriber (smoke, bench) offers every codec it decodes, so it receives a VP9 publisher", async () => {
  const pub = await session('synthetic', 'alice', 'publish', {sections: ['audio', 'video'], videoCodecs: ['VP9']})
  assert.is(pub.result.status, 201, pub.result.text)
  const sub = await SyntheticSubscription.subscribe({
    whepUrl: `${node.state.publicUrl}/whep/synthetic/${pub.id}`,
    token: await tokenFor(node, 'synthetic', 'bob'),
  })
  open.push(sub)
  const stats = async () => inboundStreams(await sub.pc.getStats()).find((s) => s.kind === 'video')
  const video = await pollUntil(stats, (s) => (s?.framesDecoded ?? 0) > 5, 20_000)
  assert.ok((video?.framesDecoded ?? 0) > 5, `frames decoded: ${video?.framesDecoded}`)
  assert.is(video?.codec, 'VP9')
})

test('a subscriber that cannot receive the publisher codec gets 400 codec_mismatch naming both lists', async () => {
  const pub = await session('mismatch', 'alice', 'publish', {sections: ['audio', 'video'], videoCodecs: ['VP9']})
  assert.is(pub.result.status, 201, pub.result.text)
  const sub = await session(
    'mismatch',
    'bob',
    'subscribe',
    {sections: ['audio', 'video'], videoCodecs: ['VP8', 'AV1']},
    pub.id,
  )
  assert.is(sub.result.status, 400)
  const body = JSON.parse(sub.result.text) as {error: {code: string; message: string}}
  assert.is(body.error.code, 'codec_mismatch')
  assert.match(body.error.message, /publisher sends VP9 for video; your offer receives VP8, AV1 there/)
  const room = await roomDetail('mismatch')
  assert.is(
    room.participantsList.filter((p) => p.role === 'subscriber').length,
    0,
    'the refused subscriber left nothing behind',
  )
})

// OBS Studio's WHIP output (libdatachannel): session-level ICE/DTLS attributes, Opus 111 and
// one H.264 payload type, 96, constrained baseline with packetization-mode 1.
const OBS_OFFER = [
  'v=0',
  'o=rtc 2791290873 0 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'a=group:LS 0 1',
  'a=msid-semantic:WMS *',
  'a=setup:actpass',
  'a=ice-ufrag:Kf4u',
  'a=ice-pwd:S7bfrK5yqSm4yJmqs2k9ax',
  'a=ice-options:ice2,trickle',
  'a=fingerprint:sha-256 2B:3E:74:26:6A:76:8F:7E:76:52:34:EC:9A:D6:28:6C:18:5B:4B:7E:44:0D:62:8F:99:18:6B:04:1A:54:7B:62',
  'm=audio 50123 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 127.0.0.1',
  'a=mid:0',
  'a=sendonly',
  'a=ssrc:2434823841 cname:obs-cname',
  'a=ssrc:2434823841 msid:obs-stream obs-audio',
  'a=msid:obs-stream obs-audio',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1',
  'a=candidate:1 1 UDP 2122317823 127.0.0.1 50123 typ host',
  'a=end-of-candidates',
  'm=video 50123 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 127.0.0.1',
  'a=mid:1',
  'a=sendonly',
  'a=ssrc:1981340163 cname:obs-cname',
  'a=ssrc:1981340163 msid:obs-stream obs-video',
  'a=msid:obs-stream obs-video',
  'a=rtcp-mux',
  'a=rtpmap:96 H264/90000',
  'a=rtcp-fb:96 nack',
  'a=rtcp-fb:96 nack pli',
  'a=rtcp-fb:96 goog-remb',
  'a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
  '',
].join('\r\n')

test('an OBS-style H.264-only offer is answered 201 with its own H.264 payload type and profile', async () => {
  const token = await tokenFor(node, 'obs', 'obs')
  const res = await postSdp(`${node.state.publicUrl}/whip/obs`, token, OBS_OFFER)
  assert.is(res.status, 201, res.text)
  assert.match(res.text, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 96\r$/m)
  assert.match(res.text, /^a=rtpmap:96 H264\/90000\r$/m)
  assert.match(res.text, /^a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1\r$/m)
  assert.match(res.text, /^a=rtpmap:111 opus\/48000\/2\r$/m)
  const id = res.location!.split('/').pop()!
  const p = await participant('obs', id)
  assert.is(codecOf(p, 'video'), 'H264', 'admin API shows H264 before any packet arrived')
  await fetch(new URL(res.location!, node.state.publicUrl), {
    method: 'DELETE',
    headers: {authorization: `Bearer ${token}`},
  })
})

test('an H.264 offer in Chrome order: the first profile with packetization-mode 1 wins, mode 0 and unknown profiles are not chosen', async () => {
  const chromeH264 = OBS_OFFER.replace(
    'm=video 50123 UDP/TLS/RTP/SAVPF 96',
    'm=video 50123 UDP/TLS/RTP/SAVPF 104 96 97 112 113',
  )
    .replace(
      'a=rtpmap:96 H264/90000',
      [
        'a=rtpmap:104 H264/90000',
        'a=fmtp:104 profile-level-id=42e01f;packetization-mode=0',
        'a=rtpmap:96 H264/90000',
      ].join('\r\n'),
    )
    .replace('a=fmtp:96 profile-level-id=42e01f;', 'a=fmtp:96 profile-level-id=640c1f;')
    .replace('a=rtcp-mux\r\na=rtpmap:104', 'a=rtcp-mux\r\na=rtpmap:104')
    .replace(
      'a=fmtp:96 profile-level-id=640c1f;packetization-mode=1;level-asymmetry-allowed=1',
      [
        'a=fmtp:96 profile-level-id=640c1f;packetization-mode=1;level-asymmetry-allowed=1',
        'a=rtpmap:97 rtx/90000',
        'a=fmtp:97 apt=96',
        'a=rtpmap:112 H264/90000',
        'a=fmtp:112 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1',
        'a=rtpmap:113 rtx/90000',
        'a=fmtp:113 apt=112',
      ].join('\r\n'),
    )
  const token = await tokenFor(node, 'h264-order', 'enc')
  const res = await postSdp(`${node.state.publicUrl}/whip/h264-order`, token, chromeH264)
  assert.is(res.status, 201, res.text)
  assert.match(res.text, /^m=video 9 UDP\/TLS\/RTP\/SAVPF 96 97\r$/m, 'high (640c1f) with its RTX, in the offer order')
  assert.match(res.text, /^a=fmtp:96 profile-level-id=640c1f;packetization-mode=1/m)
  assert.match(res.text, /^a=fmtp:97 apt=96\r$/m)
  assert.not.match(res.text, /^a=rtpmap:104 /m)
  await fetch(new URL(res.location!, node.state.publicUrl), {
    method: 'DELETE',
    headers: {authorization: `Bearer ${token}`},
  })
})

/** A werift peer as the client: the one stack here that can negotiate H.264. */
async function weriftSession(url: string, token: string, role: 'publish' | 'subscribe', profile: string) {
  const pc = new WeriftPeer({
    codecs: {
      audio: [useOPUS()],
      video: [useH264({parameters: `profile-level-id=${profile};packetization-mode=1;level-asymmetry-allowed=1`})],
    },
    iceServers: [],
    iceUseIpv6: false,
  })
  open.push({close: () => pc.close()})
  const track = new MediaStreamTrack({kind: 'video'})
  const transceiver: RTCRtpTransceiver =
    role === 'publish'
      ? pc.addTransceiver(track, {direction: 'sendonly'})
      : pc.addTransceiver('video', {direction: 'recvonly'})
  await pc.setLocalDescription(await pc.createOffer())
  await pollUntil(
    async () => pc.iceGatheringState,
    (s) => s === 'complete',
    5000,
  )
  const result = await postSdp(url, token, pc.localDescription!.sdp)
  if (result.status === 201) await pc.setRemoteDescription({type: 'answer', sdp: result.text})
  return {pc, track, transceiver, result, id: result.location?.split('/').pop() ?? ''}
}

test('an H.264 publisher: its packets reach an H.264 subscriber byte for byte, under the subscriber payload type', async () => {
  const url = `${node.state.publicUrl}/whip/h264`
  const pub = await weriftSession(url, await tokenFor(node, 'h264', 'enc'), 'publish', '42e01f')
  assert.is(pub.result.status, 201, pub.result.text)
  const sub = await weriftSession(
    `${node.state.publicUrl}/whep/h264/${pub.id}`,
    await tokenFor(node, 'h264', 'viewer'),
    'subscribe',
    '42e01f',
  )
  assert.is(sub.result.status, 201, sub.result.text)
  const subscriberPt = Number(/^a=rtpmap:(\d+) H264\/90000/im.exec(sub.result.text)?.[1])
  const received: RtpPacket[] = []
  sub.transceiver.receiver.track.onReceiveRtp.subscribe((p) => void received.push(p))
  await pollUntil(
    async () => [pub.pc.connectionState, sub.pc.connectionState],
    (s) => s.every((x) => x === 'connected'),
    15_000,
  )
  assert.is(pub.pc.connectionState, 'connected', 'publisher connected')
  assert.is(sub.pc.connectionState, 'connected', 'subscriber connected')
  // IDR-type single NAL units (the node never looks inside them).
  const payloads = Array.from({length: 40}, (_, i) =>
    Buffer.from([0x65, i, ...Array.from({length: 200}, (_, k) => (i * 7 + k) & 0xff)]),
  )
  let seq = 1000
  const sendAll = () => {
    for (const payload of payloads) {
      pub.track.writeRtp(
        new RtpPacket(
          new RtpHeader({payloadType: 0, sequenceNumber: seq++ & 0xffff, timestamp: seq * 3000, marker: true}),
          payload,
        ),
      )
    }
  }
  // The subscriber may still be finishing DTLS on the node's side: resend a few rounds.
  await pollUntil(
    async () => (sendAll(), received.length),
    (n) => n >= payloads.length,
    10_000,
  )
  const got = new Set(received.map((p) => p.payload.toString('hex')))
  const missing = payloads.filter((p) => !got.has(p.toString('hex'))).length
  assert.ok(missing < payloads.length / 2, `${payloads.length - missing}/${payloads.length} payloads arrived intact`)
  assert.ok(
    received.every((p) => p.header.payloadType === subscriberPt),
    `payload type ${subscriberPt} on every packet`,
  )
  assert.is(codecOf(await participant('h264', pub.id), 'video'), 'H264')
  assert.is(codecOf(await participant('h264', sub.id), 'video'), 'H264')
  // libwebrtc here has no H.264 decoder: its offer cannot receive this publisher.
  const noH264 = await session('h264', 'wrtc', 'subscribe', {sections: ['video']}, pub.id)
  assert.is(noH264.result.status, 400)
  assert.match(noH264.result.text, /"code":"codec_mismatch"/)
  assert.match(
    noH264.result.text,
    /publisher sends H264 \(42e01f, constrained-baseline 3\.1\) for video; your offer receives VP8, VP9, VP9 \(profile 2\), VP9 \(profile 1\), VP9 \(profile 3\), AV1 there/,
  )
  // A high-profile-only subscriber cannot take constrained baseline either.
  const high = await weriftSession(
    `${node.state.publicUrl}/whep/h264/${pub.id}`,
    await tokenFor(node, 'h264', 'hi'),
    'subscribe',
    '64001f',
  )
  assert.is(high.result.status, 400, high.result.text)
  assert.match(high.result.text, /your offer receives H264 \(64001f, high 3\.1\)/)
})

test('node --codecs opus,vp8: a VP9-only publisher is refused naming what the node accepts; VP8 still works', async () => {
  const restricted = await startTestNode(['--codecs', 'opus,vp8'], rtcPortSlot(50))
  try {
    const token = async (who: string) => tokenFor(restricted, 'r', who)
    const vp9 = await openSession(`${restricted.state.publicUrl}/whip/r`, await token('a'), 'publish', {
      sections: ['audio', 'video'],
      videoCodecs: ['VP9'],
    })
    open.push(vp9)
    assert.is(vp9.result.status, 400)
    const body = JSON.parse(vp9.result.text) as {error: {code: string; message: string}}
    assert.is(body.error.code, 'codec_mismatch')
    assert.match(body.error.message, /m-section 2 \(video, mid 1\) sends VP9, VP9 \(profile 2\); this node accepts VP8/)
    const vp8 = await openSession(`${restricted.state.publicUrl}/whip/r`, await token('b'), 'publish', {
      sections: ['audio', 'video'],
      videoCodecs: ['VP8'],
    })
    open.push(vp8)
    assert.is(vp8.result.status, 201, vp8.result.text)
    assert.ok(await vp8.connected(), 'VP8 publisher connected')
  } finally {
    for (const c of open.splice(0)) await c.close().catch(() => undefined)
    await restricted.stop()
  }
})

test.run()
