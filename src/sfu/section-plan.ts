// Which m-sections of an offer the node serves, and with which codec. The node forwards one
// audio and one video stream per publisher, so per kind the first section that can be
// served is served (in any m-line order, bundle-only included) and every other section —
// a data channel, a second video, a section the offer itself rejected — is rejected with
// port 0 and a reason, never silently dropped. A section of a kind the node would forward
// but whose codecs do not fit is a 400 codec_mismatch naming both codec lists.
import {
  canReceive,
  choosePublishCodec,
  describeAllowed,
  describeCodec,
  describeCodecs,
  fmtpParams,
  isAuxiliary,
  type MediaKind,
  type OfferedCodec,
} from './codecs.js'
import type {CodecName} from '../api/codec-names.js'
import {CodecMismatchError} from './codec-mismatch.js'
import type {ParsedOffer, SdpSection, SectionPlan} from './sdp-sections.js'

/** The chosen codec plus the RTX payload type that repairs it, if the offer has one. */
function withRtx(section: SdpSection, codec: OfferedCodec): number[] {
  const rtx = section.codecs.find(
    (c) => /^rtx$/i.test(c.encoding) && fmtpParams(c.fmtp).get('apt') === String(codec.payloadType),
  )
  return rtx ? [codec.payloadType, rtx.payloadType] : [codec.payloadType]
}

const where = (s: SdpSection) => `m-section ${s.index + 1} (${s.kind}${s.mid === undefined ? '' : `, mid ${s.mid}`})`

/** Reasons that reject a section whatever its codecs. */
function structuralReason(section: SdpSection, served: Set<string>, wants: 'send' | 'receive'): string | undefined {
  if (section.kind !== 'audio' && section.kind !== 'video')
    return `the node forwards audio and video only, not ${section.kind}`
  if (section.port === 0 && !section.bundleOnly) return 'the offer itself rejects it (port 0 without bundle-only)'
  const sends = section.direction === 'sendonly' || section.direction === 'sendrecv'
  const receives = section.direction === 'recvonly' || section.direction === 'sendrecv'
  if (wants === 'send' && !sends) return `a publisher's section must send, this one is ${section.direction}`
  if (wants === 'receive' && !receives) return `a subscriber's section must receive, this one is ${section.direction}`
  if (served.has(section.kind)) return `the node forwards one ${section.kind} stream per session`
  return undefined
}

/**
 * Plans sections until each kind is served once; a kind left unserved because its codecs
 * do not fit throws the mismatch of its first such section.
 */
function plan(
  offer: ParsedOffer,
  wants: 'send' | 'receive',
  choose: (s: SdpSection) => OfferedCodec | string | undefined,
): SectionPlan[] {
  const served = new Set<string>()
  const mismatches = new Map<string, string>()
  const plans = offer.sections.map((section): SectionPlan => {
    const reason = structuralReason(section, served, wants)
    if (reason) return {serve: false, reason}
    const chosen = choose(section)
    if (chosen === undefined || typeof chosen === 'string') {
      if (typeof chosen === 'string' && !mismatches.has(section.kind)) mismatches.set(section.kind, chosen)
      return {serve: false, reason: typeof chosen === 'string' ? chosen : `the publisher sends no ${section.kind}`}
    }
    served.add(section.kind)
    return {serve: true, payloadTypes: withRtx(section, chosen)}
  })
  const unserved = [...mismatches].filter(([kind]) => !served.has(kind)).map(([, message]) => message)
  if (unserved.length) throw new CodecMismatchError(unserved.join('; '))
  return plans
}

/** WHIP: the offerer's first codec the node forwards, per section. */
export function planPublisher(offer: ParsedOffer, allowed: readonly CodecName[]): SectionPlan[] {
  return plan(offer, 'send', (section) => {
    const kind = section.kind as MediaKind
    return (
      choosePublishCodec(section.codecs, kind, allowed) ??
      `${where(section)} sends ${describeCodecs(section.codecs)}; this node accepts ${describeAllowed(allowed, kind)}`
    )
  })
}

/** WHEP: exactly the publisher's codec, with the subscriber's payload type and fmtp. */
export function planSubscriber(
  offer: ParsedOffer,
  publisherCodecs: Partial<Record<MediaKind, OfferedCodec>>,
): SectionPlan[] {
  return plan(offer, 'receive', (section) => {
    const sent = publisherCodecs[section.kind as MediaKind]
    if (!sent) return undefined // the publisher has no such stream: rejected, not an error
    return (
      section.codecs.find((c) => !isAuxiliary(c) && canReceive(c, sent)) ??
      `publisher sends ${describeCodec(sent)} for ${section.kind}; your offer receives ${describeCodecs(section.codecs)} there (${where(section)})`
    )
  })
}
