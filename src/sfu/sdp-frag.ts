// Reads and writes the SDP fragments of trickle ICE and ICE restarts
// (application/trickle-ice-sdpfrag, RFC 8840 §9, as WHIP/WHEP PATCH bodies use them, RFC 9725
// §4.3). A fragment carries ICE credentials, candidates and end-of-candidates, grouped by
// m-section; nothing else in it matters to the node, so other lines are read past.

/** The fragment is not something the node can read (answered 400 with this message). */
export class SdpFragError extends Error {}

export interface FragSection {
  /** a=mid of the section, when it names one. */
  mid?: string
  /** Index of the m-line within the fragment (0 for the first). */
  index: number
  /** Candidate attribute values without "a=", e.g. "candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host". */
  candidates: string[]
  endOfCandidates: boolean
}

export interface SdpFrag {
  /** Credentials, from the session part or the first section that has them. */
  ufrag?: string
  pwd?: string
  sections: FragSection[]
  /** a=end-of-candidates at session level: applies to every section. */
  endOfCandidates: boolean
}

/** More candidates in one fragment than any client gathers; a bound for hostile bodies. */
export const MAX_FRAG_CANDIDATES = 64

// RFC 8839 §5.1: foundation, component, transport, priority, address, port, "typ", type.
const CANDIDATE =
  /^candidate:[A-Za-z0-9+/]{1,32} \d{1,3} [A-Za-z]{1,16} \d{1,10} \S{1,253} \d{1,5} typ [a-z]{1,16}( \S+ \S+)*$/
// RFC 8839 §5.4: ice-char (ALPHA / DIGIT / "+" / "/"), 4-256 characters for the ufrag, 22-256 for the password.
const UFRAG = /^[A-Za-z0-9+/]{4,256}$/
const PWD = /^[A-Za-z0-9+/]{22,256}$/

export function parseSdpFrag(text: string): SdpFrag {
  const frag: SdpFrag = {sections: [], endOfCandidates: false}
  let section: FragSection | undefined
  let candidates = 0
  const lines = text.split(/\r?\n/)
  lines.forEach((raw, i) => {
    const line = raw.trimEnd()
    if (line === '') return
    const where = `line ${i + 1}`
    if (!/^[a-z]=/.test(line))
      throw new SdpFragError(`${where} of the SDP fragment is not an SDP line (type=value): '${line.slice(0, 60)}'`)
    if (line.startsWith('m=')) {
      section = {index: frag.sections.length, candidates: [], endOfCandidates: false}
      frag.sections.push(section)
      return
    }
    if (!line.startsWith('a=')) return
    const [name, value] = splitAttribute(line.slice(2))
    if (name === 'ice-ufrag' || name === 'ice-pwd') {
      const valid = name === 'ice-ufrag' ? UFRAG : PWD
      if (!valid.test(value))
        throw new SdpFragError(
          `${where}: a=${name} must be ${name === 'ice-ufrag' ? '4' : '22'}-256 letters, digits, '+' or '/'`,
        )
      const key = name === 'ice-ufrag' ? 'ufrag' : 'pwd'
      if (frag[key] !== undefined && frag[key] !== value)
        throw new SdpFragError(`${where}: the fragment names two different a=${name} values; one ICE session at a time`)
      frag[key] = value
    } else if (name === 'mid') {
      if (section) section.mid = value
    } else if (name === 'candidate') {
      if (!section)
        throw new SdpFragError(`${where}: a=candidate before any m= line; RFC 8840 puts candidates in an m-section`)
      const candidate = `candidate:${value}`
      if (!CANDIDATE.test(candidate))
        throw new SdpFragError(`${where}: '${line.slice(0, 80)}' is not an ICE candidate (RFC 8839 §5.1)`)
      if (++candidates > MAX_FRAG_CANDIDATES)
        throw new SdpFragError(`the SDP fragment has more than ${MAX_FRAG_CANDIDATES} candidates`)
      section.candidates.push(candidate)
    } else if (name === 'end-of-candidates') {
      if (section) section.endOfCandidates = true
      else frag.endOfCandidates = true
    }
  })
  if ((frag.ufrag === undefined) !== (frag.pwd === undefined))
    throw new SdpFragError('the SDP fragment has a=ice-ufrag without a=ice-pwd or the reverse; both or neither')
  return frag
}

function splitAttribute(attribute: string): [string, string] {
  const colon = attribute.indexOf(':')
  return colon < 0 ? [attribute, ''] : [attribute.slice(0, colon), attribute.slice(colon + 1)]
}

export interface LocalIce {
  ufrag: string
  pwd: string
  /** Candidate attribute values ("candidate:..."). */
  candidates: string[]
  /** The m-line and mid the candidates belong to (the first of the BUNDLE group). */
  mLine: string
  mid: string
}

/** The node's side of an ICE restart: its new credentials and (all of) its candidates. */
export function buildSdpFrag(ice: LocalIce): string {
  return [
    `a=ice-ufrag:${ice.ufrag}`,
    `a=ice-pwd:${ice.pwd}`,
    ice.mLine,
    `a=mid:${ice.mid}`,
    ...ice.candidates.map((c) => `a=${c}`),
    'a=end-of-candidates',
    '',
  ].join('\r\n')
}
