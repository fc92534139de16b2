// The web page real browsers load in the browser tests: plain JavaScript that publishes
// (WHIP) or subscribes (WHEP) the way a web client of the node would, and reports what the
// browser itself measured (getStats) and saw (connection states, track events). Served by
// the test from http://127.0.0.1 (a secure context, so getUserMedia is allowed) and calling
// the node cross-origin, as a real page would. Tests drive it with `cc.<fn>(json)` strings
// (browsers.ts), so the page's code stays out of the TypeScript build.
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

const SCRIPT = String.raw`
const sessions = {}
const now = () => Math.round(performance.now())
window.cc = {sessions}

// Media to send. 'gum': the browser's fake camera and microphone. 'synthetic': a canvas and
// a WebAudio tone, which grant no capture permission, so Firefox keeps hiding its host
// addresses behind mDNS names as it does for a page that never asked for a camera.
async function media(o) {
  if (o.source !== 'synthetic') return navigator.mediaDevices.getUserMedia({audio: o.audio !== false, video: o.video === false ? false : {width: 640, height: 360}})
  const tracks = []
  if (o.video !== false) {
    const canvas = document.createElement('canvas')
    canvas.width = 320
    canvas.height = 240
    const g = canvas.getContext('2d')
    let n = 0
    setInterval(() => {
      n++
      g.fillStyle = 'hsl(' + (n * 7) % 360 + ',80%,50%)'
      g.fillRect(0, 0, 320, 240)
      g.fillStyle = '#fff'
      g.fillText('frame ' + n, 10 + (n % 200), 120)
    }, 33)
    tracks.push(...canvas.captureStream(30).getVideoTracks())
  }
  if (o.audio !== false) {
    const ctx = new AudioContext()
    const osc = ctx.createOscillator()
    const dest = ctx.createMediaStreamDestination()
    osc.connect(dest)
    osc.start()
    tracks.push(...dest.stream.getAudioTracks())
  }
  return new MediaStream(tracks)
}

function newSession(name, o) {
  const pc = new RTCPeerConnection({bundlePolicy: o.bundlePolicy || 'balanced'})
  const s = {name, pc, events: [], tracks: [], location: null, etag: null, links: []}
  sessions[name] = s
  pc.addEventListener('connectionstatechange', () => s.events.push({t: now(), what: 'connection', state: pc.connectionState}))
  pc.addEventListener('iceconnectionstatechange', () => s.events.push({t: now(), what: 'ice', state: pc.iceConnectionState}))
  pc.addEventListener('track', (e) => {
    s.tracks.push(e.track)
    // Chrome pulls (and counts) received audio only for a playing element.
    if (e.track.kind === 'audio') {
      const el = document.createElement('audio')
      el.srcObject = new MediaStream([e.track])
      document.body.append(el)
      el.play().catch((err) => s.events.push({t: now(), what: 'play-failed', error: String(err)}))
    }
    e.track.addEventListener('ended', () => s.events.push({t: now(), what: 'track-ended', kind: e.track.kind}))
    e.track.addEventListener('mute', () => s.events.push({t: now(), what: 'track-muted', kind: e.track.kind}))
    // A DTLS close_notify from the node closes the transport while ICE still works: the
    // connection state stays 'connected' (W3C: closed transports count as connected).
    const dtls = e.receiver.transport
    if (dtls && !s.dtls) {
      s.dtls = dtls
      dtls.addEventListener('statechange', () => s.events.push({t: now(), what: 'dtls', state: dtls.state}))
    }
  })
  return s
}

function gathered(pc, ms) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => pc.iceGatheringState === 'complete' && resolve()
    pc.addEventListener('icegatheringstatechange', done)
    setTimeout(resolve, ms)
  })
}

// POST the offer; the answer (or a thrown error naming the status and body) comes back.
async function post(s, url, token, sdp) {
  s.offer = sdp
  const res = await fetch(url, {method: 'POST', headers: {authorization: 'Bearer ' + token, 'content-type': 'application/sdp'}, body: sdp})
  const body = await res.text()
  s.postStatus = res.status
  if (res.status !== 201) throw new Error('POST ' + url + ' answered ' + res.status + ': ' + body)
  s.location = new URL(res.headers.get('location'), url).href
  s.etag = res.headers.get('etag')
  s.links = (res.headers.get('link') || '').split(',').filter(Boolean)
  s.token = token
  s.answer = body
  return body
}

function preferCodec(transceiver, kind, mimeType) {
  const codecs = RTCRtpReceiver.getCapabilities(kind).codecs.filter((c) => c.mimeType.toLowerCase() === mimeType.toLowerCase())
  if (!codecs.length) throw new Error(mimeType + ' is not supported by this browser')
  transceiver.setCodecPreferences(codecs)
}

// o: {url, token, audio, video, source, bundlePolicy, videoCodec, simulcast, trickle}
cc.publish = async (name, o) => {
  const s = newSession(name, o)
  const stream = await media(o)
  for (const track of stream.getTracks()) {
    const init = {direction: 'sendonly', streams: [stream]}
    if (track.kind === 'video' && o.simulcast) {
      init.sendEncodings = [{rid: 'q', scaleResolutionDownBy: 4}, {rid: 'h', scaleResolutionDownBy: 2}, {rid: 'f'}]
    }
    const t = s.pc.addTransceiver(track, init)
    if (track.kind === 'video' && o.videoCodec) preferCodec(t, 'video', o.videoCodec)
  }
  return negotiate(s, o)
}

// o: {url, token, audio, video, bundlePolicy, trickle}
cc.subscribe = async (name, o) => {
  const s = newSession(name, o)
  if (o.audio !== false) s.pc.addTransceiver('audio', {direction: 'recvonly'})
  if (o.video !== false) s.pc.addTransceiver('video', {direction: 'recvonly'})
  return negotiate(s, o)
}

async function negotiate(s, o) {
  const offer = await s.pc.createOffer()
  if (o.trickle) {
    // Trickle (RFC 9725 §4.3.1): POST at once, without candidates; PATCH them as they come.
    s.pending = []
    s.patches = []
    s.pc.addEventListener('icecandidate', (e) => s.pending.push(e.candidate))
    await s.pc.setLocalDescription(offer)
    await post(s, o.url, o.token, offer.sdp)
    await s.pc.setRemoteDescription({type: 'answer', sdp: s.answer})
    await gathered(s.pc, 3000)
    await trickle(s)
  } else {
    await s.pc.setLocalDescription(offer)
    if (o.abandon) {
      // Post an offer, then never set its answer: the browser sends nothing to the node.
      await post(s, o.url, o.token, offer.sdp)
      return summary(s)
    }
    const t0 = now()
    await gathered(s.pc, 5000)
    const t1 = now()
    await post(s, o.url, o.token, s.pc.localDescription.sdp)
    const t2 = now()
    await s.pc.setRemoteDescription({type: 'answer', sdp: s.answer})
    s.timing = {gather: t1 - t0, post: t2 - t1, apply: now() - t2}
  }
  return summary(s)
}

function iceLines(sdp) {
  const get = (key) => (sdp.match(new RegExp('a=' + key + ':(\\S+)')) || [])[1]
  return {ufrag: get('ice-ufrag'), pwd: get('ice-pwd')}
}

// An RFC 8840 fragment: ICE credentials, then each m-section's mid with its candidates.
function sdpfrag(s, candidates, end) {
  const {ufrag, pwd} = iceLines(s.pc.localDescription.sdp)
  const lines = ['a=ice-ufrag:' + ufrag, 'a=ice-pwd:' + pwd]
  for (const t of s.pc.getTransceivers()) {
    if (!t.mid) continue
    const mine = candidates.filter((c) => c && c.sdpMid === t.mid)
    if (!mine.length && !end) continue
    lines.push('m=' + (t.receiver.track.kind) + ' 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:' + t.mid)
    for (const c of mine) lines.push('a=' + c.candidate)
    if (end) lines.push('a=end-of-candidates')
  }
  return lines.join('\r\n') + '\r\n'
}

async function patch(s, body, ifMatch) {
  const headers = {authorization: 'Bearer ' + s.token, 'content-type': 'application/trickle-ice-sdpfrag'}
  if (ifMatch) headers['if-match'] = ifMatch
  const res = await fetch(s.location, {method: 'PATCH', headers, body})
  const text = await res.text()
  const r = {status: res.status, body: text, etag: res.headers.get('etag'), contentType: res.headers.get('content-type')}
  s.patches.push(r)
  return r
}

async function trickle(s) {
  const candidates = s.pending.filter(Boolean)
  s.pending = []
  return patch(s, sdpfrag(s, candidates, true), s.etag)
}

// ICE restart (RFC 9725 §4.3.2): new credentials and candidates in a PATCH with If-Match: *,
// the node's new credentials and candidates back in a 200 fragment, applied as a new answer.
cc.restartIce = async (name) => {
  const s = sessions[name]
  s.patches = s.patches || []
  s.pc.restartIce()
  const offer = await s.pc.createOffer()
  await s.pc.setLocalDescription(offer)
  await gathered(s.pc, 5000)
  const candidates = s.pc.localDescription.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'))
  const {ufrag, pwd} = iceLines(s.pc.localDescription.sdp)
  const mid = s.pc.getTransceivers().find((t) => t.mid).mid
  const body = ['a=ice-ufrag:' + ufrag, 'a=ice-pwd:' + pwd, 'm=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=mid:' + mid, ...candidates, 'a=end-of-candidates', ''].join('\r\n')
  const r = await patch(s, body, '*')
  if (r.status !== 200) return {status: r.status, body: r.body}
  if (r.etag) s.etag = r.etag
  const frag = r.body
  const newIce = iceLines(frag)
  const fragCandidates = frag.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'))
  // The new answer: the old one with the node's new credentials, and its new candidates in
  // place of the old ones at the end of every m-section.
  const lines = []
  for (const line of s.answer.split(/\r?\n/).filter(Boolean)) {
    if (line.startsWith('a=candidate:') || line === 'a=end-of-candidates') continue
    if (line.startsWith('m=') && lines.some((l) => l.startsWith('m='))) lines.push(...fragCandidates, 'a=end-of-candidates')
    if (line.startsWith('a=ice-ufrag:')) lines.push('a=ice-ufrag:' + newIce.ufrag)
    else if (line.startsWith('a=ice-pwd:')) lines.push('a=ice-pwd:' + newIce.pwd)
    else lines.push(line)
  }
  lines.push(...fragCandidates, 'a=end-of-candidates')
  const answer = lines.join('\r\n') + '\r\n'
  s.answer = answer
  await s.pc.setRemoteDescription({type: 'answer', sdp: answer})
  return {status: r.status, body: frag, remoteUfrag: newIce.ufrag}
}

cc.leave = async (name) => {
  const s = sessions[name]
  const res = await fetch(s.location, {method: 'DELETE', headers: {authorization: 'Bearer ' + s.token}})
  s.pc.close()
  return {status: res.status, t: now()}
}

function summary(s) {
  return {
    location: s.location, etag: s.etag, links: s.links, postStatus: s.postStatus, offer: s.offer, answer: s.answer,
    timing: s.timing, patches: s.patches || [], connectionState: s.pc.connectionState, dtlsState: s.dtls ? s.dtls.state : null, events: s.events,
    tracks: s.tracks.map((t) => ({kind: t.kind, readyState: t.readyState, muted: t.muted})),
  }
}

cc.localUfrag = async (name) => iceLines(sessions[name].pc.localDescription.sdp).ufrag

cc.state = async (name) => ({...summary(sessions[name]), now: now()})

// What this browser measured: per kind, the inbound and outbound RTP figures and the codec.
cc.stats = async (name) => {
  const report = await sessions[name].pc.getStats()
  const out = {inbound: {}, outbound: [], pair: null}
  const codecs = {}
  report.forEach((r) => { if (r.type === 'codec') codecs[r.id] = r.mimeType + (r.sdpFmtpLine ? ';' + r.sdpFmtpLine : '') })
  report.forEach((r) => {
    if (r.type === 'inbound-rtp') {
      out.inbound[r.kind] = {packetsReceived: r.packetsReceived, bytesReceived: r.bytesReceived, framesDecoded: r.framesDecoded,
        frameWidth: r.frameWidth, totalSamplesReceived: r.totalSamplesReceived, concealedSamples: r.concealedSamples,
        codec: codecs[r.codecId], pliCount: r.pliCount, nackCount: r.nackCount}
    }
    if (r.type === 'outbound-rtp') {
      out.outbound.push({kind: r.kind, rid: r.rid, packetsSent: r.packetsSent, bytesSent: r.bytesSent, framesEncoded: r.framesEncoded,
        frameWidth: r.frameWidth, codec: codecs[r.codecId], active: r.active, qualityLimitationReason: r.qualityLimitationReason, pliCount: r.pliCount,
        targetBitrate: r.targetBitrate})
    }
    if (r.type === 'transport' && r.selectedCandidatePairId) out.selectedPairId = r.selectedCandidatePairId
  })
  // The selected pair (per the transport), with each side's candidate: address and ICE ufrag.
  const pairs = []
  report.forEach((r) => { if (r.type === 'candidate-pair') pairs.push(r) })
  const selected = pairs.find((p) => p.id === out.selectedPairId) || pairs.find((p) => p.nominated && p.state === 'succeeded')
  const cand = (id) => { const c = report.get(id); return c && {address: c.address + ':' + c.port, type: c.candidateType, ufrag: c.usernameFragment} }
  if (selected) out.pair = {local: selected.localCandidateId, remote: selected.remoteCandidateId, localCandidate: cand(selected.localCandidateId), remoteCandidate: cand(selected.remoteCandidateId)}
  out.pairs = pairs.map((p) => ({state: p.state, nominated: p.nominated, local: cand(p.localCandidateId), remote: cand(p.remoteCandidateId), requestsSent: p.requestsSent, responsesReceived: p.responsesReceived}))
  delete out.selectedPairId
  return out
}
`

export const PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>confctl browser test</title><script>${SCRIPT}</script>`

export interface PageServer {
  url: string
  close(): Promise<void>
}

/** Serves PAGE_HTML on 127.0.0.1 (inside the test's namespace); any path gives the page. */
export async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'})
    res.end(PAGE_HTML)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
