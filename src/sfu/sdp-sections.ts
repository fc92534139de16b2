// The m-sections of a client's offer, and the two rewrites around werift that make every
// section either served or rejected, never silently dropped (RFC 8843 BUNDLE, RFC 8829 JSEP):
//  - before werift: only the served sections, each with just the codecs the node chose.
//    A `bundle-only` section (port 0, sent by max-bundle clients such as Firefox and
//    GStreamer) gets a real port, because werift treats port 0 as "no media" and would
//    connect and drop the stream. Transport attributes and candidates that the client wrote
//    only in one section are copied where werift looks for them;
//  - after werift: the rejected sections go back into the answer at their places, with
//    port 0 and outside the BUNDLE group, so the client knows each one was refused.
import type {OfferedCodec} from './codecs.js'

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'

export interface SdpSection {
  /** 0-based position in the offer. */
  index: number
  kind: string
  port: number
  proto: string
  fmts: string[]
  /** Every line, the m= line first, without line ends. */
  lines: string[]
  mid?: string
  bundleOnly: boolean
  direction: Direction
  /** rtpmap + fmtp per payload type of an audio/video section, in m= line order. */
  codecs: OfferedCodec[]
}

export interface ParsedOffer {
  eol: string
  session: string[]
  sections: SdpSection[]
}

/** What the node does with one section: serve it with these payload types, or reject it. */
export type SectionPlan = {serve: true; payloadTypes: number[]} | {serve: false; reason: string}

/** Static payload types (RFC 3551) that may come without an rtpmap line. */
const STATIC: Record<number, [string, number]> = {
  0: ['PCMU', 8000],
  8: ['PCMA', 8000],
  9: ['G722', 8000],
  13: ['CN', 8000],
}

export function parseOffer(sdp: string): ParsedOffer {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n'
  const lines = sdp.split(/\r?\n/)
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  const session: string[] = []
  const groups: string[][] = []
  for (const line of lines) {
    if (line.startsWith('m=')) groups.push([line])
    else if (groups.length) groups[groups.length - 1]!.push(line)
    else session.push(line)
  }
  return {eol, session, sections: groups.map((g, index) => parseSection(g, index))}
}

function parseSection(lines: string[], index: number): SdpSection {
  const [kind = '', port = '0', proto = '', ...fmts] = lines[0]!.slice(2).split(' ').filter(Boolean)
  const attr = (name: string) => lines.filter((l) => l.startsWith(`a=${name}`)).map((l) => l.slice(name.length + 2))
  const direction =
    (['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const).find((d) => lines.includes(`a=${d}`)) ?? 'sendrecv'
  const codecs: OfferedCodec[] = []
  if (kind === 'audio' || kind === 'video') {
    for (const fmt of fmts) {
      const pt = Number(fmt)
      const map = attr(`rtpmap:${fmt} `)[0]
      const [encoding, clock, channels] = map ? map.split('/') : (STATIC[pt] ?? [`payload type ${fmt}`, 0]).map(String)
      codecs.push({
        payloadType: pt,
        encoding: encoding ?? '',
        clockRate: Number(clock),
        channels: channels ? Number(channels) : undefined,
        fmtp: attr(`fmtp:${fmt} `)[0] ?? '',
      })
    }
  }
  return {
    index,
    kind,
    port: Number(port),
    proto,
    fmts,
    lines,
    mid: attr('mid:')[0]?.trim(),
    bundleOnly: lines.includes('a=bundle-only'),
    direction,
    codecs,
  }
}

/** Attributes werift reads per section for the one (bundled) transport. */
const TRANSPORT = ['a=ice-ufrag:', 'a=ice-pwd:', 'a=fingerprint:', 'a=setup:']
const CANDIDATES = ['a=candidate:', 'a=end-of-candidates']

/** The offer werift gets: the served sections only, each with the payload types chosen. */
export function offerForWerift(offer: ParsedOffer, plans: SectionPlan[]): string {
  const served = offer.sections.filter((s) => plans[s.index]!.serve)
  const servedMids = new Set(served.map((s) => s.mid).filter((m) => m !== undefined))
  const session = offer.session.flatMap((line) => {
    const group = /^a=group:(\S+)(.*)$/.exec(line)
    if (!group) return [line]
    const mids = group[2]!.split(' ').filter((m) => m && servedMids.has(m))
    return mids.length ? [`a=group:${group[1]} ${mids.join(' ')}`] : []
  })
  // Where the client wrote transport attributes once (RFC 8843: in the tagged section only)
  // or in a section the node rejects, werift would miss them: a bundled section without
  // ICE credentials even makes werift restart ICE with empty credentials.
  const source = offer.sections.find((s) => s.lines.some((l) => l.startsWith('a=ice-ufrag:')))
  const orphanCandidates = offer.sections
    .filter((s) => !plans[s.index]!.serve)
    .flatMap((s) => s.lines.filter((l) => CANDIDATES.some((p) => l.startsWith(p))))
  const body = served.map((section, i) => {
    const plan = plans[section.index] as {payloadTypes: number[]}
    const keep = new Set(plan.payloadTypes.map(String))
    const port = section.port === 0 && section.bundleOnly ? 9 : section.port
    const lines = [`m=${section.kind} ${port} ${section.proto} ${plan.payloadTypes.join(' ')}`]
    for (const line of section.lines.slice(1)) {
      if (line === 'a=bundle-only') continue
      const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+) /.exec(line)?.[1]
      if (pt !== undefined && !keep.has(pt)) continue
      lines.push(line)
    }
    for (const prefix of TRANSPORT) {
      const atSession = offer.session.some((l) => l.startsWith(prefix))
      if (!atSession && !lines.some((l) => l.startsWith(prefix)) && source)
        lines.push(...source.lines.filter((l) => l.startsWith(prefix)))
    }
    if (i === 0) for (const candidate of orphanCandidates) if (!lines.includes(candidate)) lines.push(candidate)
    return lines
  })
  return [...session, ...body.flat()].join(offer.eol) + offer.eol
}

/**
 * werift's answer has one section per served offer section, in offer order; this puts a
 * rejected section (port 0, RFC 3264 §6) back at the place of every section the node
 * refused, so the answer has as many m= lines as the offer, as RFC 3264 requires.
 */
export function restoreRejected(answer: string, offer: ParsedOffer, plans: SectionPlan[]): string {
  const eol = answer.includes('\r\n') ? '\r\n' : '\n'
  const parsed = parseOffer(answer)
  const answered = [...parsed.sections]
  const out = [...parsed.session]
  for (const section of offer.sections) {
    if (plans[section.index]!.serve) {
      const next = answered.shift()
      if (!next) throw new Error(`werift answered fewer sections than were served (missing mid ${section.mid ?? '?'})`)
      out.push(...next.lines)
      continue
    }
    out.push(`m=${section.kind} 0 ${section.proto} ${section.fmts.join(' ')}`, 'c=IN IP4 0.0.0.0')
    if (section.mid !== undefined) out.push(`a=mid:${section.mid}`)
    if (section.kind === 'audio' || section.kind === 'video') out.push('a=inactive')
  }
  return out.join(eol) + eol
}
