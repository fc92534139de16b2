// The codec names of the node's --codecs flag, shared by the node (which forwards only those)
// and by the CLI (which checks `confctl node up --codecs` and fleet.yaml before starting a node),
// so both accept and refuse exactly the same values. Matching offered codecs is the node's job
// (src/sfu/codecs.ts).

export type CodecName = 'opus' | 'VP8' | 'VP9' | 'H264' | 'AV1'

export const ALL_CODECS: readonly CodecName[] = ['opus', 'VP8', 'VP9', 'H264', 'AV1']

/** Parses the --codecs value: a comma-separated subset of ALL_CODECS, any case; throws with one sentence. */
export function parseCodecList(value: string, flag: string): CodecName[] {
  const names = value.split(',').map((s) => s.trim())
  const out: CodecName[] = []
  for (const name of names) {
    const codec = canonicalName(name)
    if (!codec) throw new Error(`${flag} must list codecs out of ${ALL_CODECS.join(',')}, not '${name || value}'`)
    if (!out.includes(codec)) out.push(codec)
  }
  return out
}

/** opus/VP8/VP9/H264/AV1 for any spelling of those names, else undefined. */
export function canonicalName(encoding: string): CodecName | undefined {
  return ALL_CODECS.find((c) => c.toLowerCase() === encoding.toLowerCase())
}
