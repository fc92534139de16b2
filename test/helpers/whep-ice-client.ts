// A libwebrtc WHEP subscriber that does its ICE the way trickle clients do (RFC 9725 §4.3):
// it POSTs its offer before gathering, PATCHes candidates afterwards, and can restart ICE
// (restartIce() -> PATCH with If-Match "*" -> the node's fragment applied as the new answer).
// Frames decoded come from its own getStats(), so a test sees media really arrive.
import {inboundStreams, streamOfKind, type StatsReportLike} from '../../src/client/stats.js'
import {RTCPeerConnection} from '../../src/client/wrtc.js'

export interface PatchAnswer {
  status: number
  headers: Headers
  text: string
}

export class WhepIceClient {
  readonly pc = new RTCPeerConnection()
  resourceUrl = ''
  etag = ''
  answerSdp = ''
  /** Candidates gathered since the last PATCH, as "candidate:..." values with their mid. */
  private gathered: Array<{candidate: string; mid: string}> = []
  private gatheringDone = false

  constructor(private readonly token: string) {
    this.pc.addTransceiver('audio', {direction: 'recvonly'})
    this.pc.addTransceiver('video', {direction: 'recvonly'})
    this.pc.addEventListener('icecandidate', (e: RTCPeerConnectionIceEvent) => {
      if (e.candidate?.candidate) this.gathered.push({candidate: e.candidate.candidate, mid: e.candidate.sdpMid ?? '0'})
      else if (!e.candidate) this.gatheringDone = true
    })
  }

  /** POSTs the offer at once, before any candidate is gathered (no a=candidate lines). */
  async postOfferWithoutCandidates(whepUrl: string): Promise<Response> {
    const offer = await this.pc.createOffer()
    await this.pc.setLocalDescription(offer)
    const sdp = offer.sdp!.replace(/^a=(candidate|end-of-candidates).*\r\n/gm, '')
    const res = await fetch(whepUrl, {method: 'POST', headers: this.headers('application/sdp'), body: sdp})
    if (res.status !== 201) throw new Error(`POST ${whepUrl} answered ${res.status}: ${await res.text()}`)
    this.resourceUrl = new URL(res.headers.get('location')!, whepUrl).toString()
    this.etag = res.headers.get('etag') ?? ''
    this.answerSdp = await res.text()
    await this.pc.setRemoteDescription({type: 'answer', sdp: this.answerSdp})
    return res
  }

  /** Waits (bounded) until gathering has finished, then PATCHes what it found with end-of-candidates. */
  async trickleGathered(timeoutMs = 10_000, ifMatch = this.etag): Promise<PatchAnswer> {
    const deadline = Date.now() + timeoutMs
    while (!this.gatheringDone && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    if (this.gathered.length === 0) throw new Error('libwebrtc gathered no candidate')
    const {ufrag, pwd} = this.localCredentials()
    const mid = this.gathered[0]!.mid
    const lines = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, 'm=audio 9 UDP/TLS/RTP/SAVPF 0', `a=mid:${mid}`]
    for (const c of this.gathered.filter((g) => g.mid === mid)) lines.push(`a=${c.candidate}`)
    lines.push('a=end-of-candidates', '')
    this.gathered = []
    return this.patch(lines.join('\r\n'), ifMatch)
  }

  /** restartIce(), a new offer with new credentials, PATCH If-Match "*"; applies the 200's fragment. */
  async restartIce(): Promise<PatchAnswer> {
    this.gathered = []
    this.gatheringDone = false
    this.pc.restartIce()
    const offer = await this.pc.createOffer()
    await this.pc.setLocalDescription(offer)
    const answer = await this.trickleGathered(10_000, '*')
    if (answer.status !== 200) return answer
    this.etag = answer.headers.get('etag') ?? ''
    const ufrag = /^a=ice-ufrag:(\S+)/m.exec(answer.text)?.[1]
    const pwd = /^a=ice-pwd:(\S+)/m.exec(answer.text)?.[1]
    const candidates = answer.text.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'))
    // The same answer as before, with the node's new ICE session in it (RFC 9725 §4.4).
    const sdp = this.answerSdp
      .replace(/^a=ice-ufrag:.*$/gm, `a=ice-ufrag:${ufrag}`)
      .replace(/^a=ice-pwd:.*$/gm, `a=ice-pwd:${pwd}`)
      .replace(/^a=candidate:.*\r\n/gm, '')
      .replace(/^(a=mid:.*\r\n)/m, `$1${candidates.map((c) => `${c}\r\n`).join('')}`)
    await this.pc.setRemoteDescription({type: 'answer', sdp})
    return answer
  }

  async patch(body: string, ifMatch?: string, contentType = 'application/trickle-ice-sdpfrag'): Promise<PatchAnswer> {
    const headers = this.headers(contentType)
    if (ifMatch !== undefined) headers['if-match'] = ifMatch
    const res = await fetch(this.resourceUrl, {method: 'PATCH', headers, body})
    return {status: res.status, headers: res.headers, text: await res.text()}
  }

  async framesDecoded(): Promise<number> {
    const report = (await this.pc.getStats()) as unknown as StatsReportLike
    return streamOfKind(inboundStreams(report), 'video')?.framesDecoded ?? 0
  }

  /** The ICE credentials of the current local description. */
  localCredentials(): {ufrag: string; pwd: string} {
    const sdp = this.pc.localDescription?.sdp ?? ''
    return {ufrag: /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? '', pwd: /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1] ?? ''}
  }

  async close(): Promise<void> {
    if (this.resourceUrl)
      await fetch(this.resourceUrl, {method: 'DELETE', headers: this.headers()}).catch(() => undefined)
    this.pc.close()
  }

  private headers(contentType?: string): Record<string, string> {
    return {authorization: `Bearer ${this.token}`, ...(contentType ? {'content-type': contentType} : {})}
  }
}
