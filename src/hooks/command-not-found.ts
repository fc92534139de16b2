// oclif calls this when the words typed name no command (`confctl nod list`). It answers with
// the nearest command in one sentence and exit 2 (bad usage), the same way in a terminal and
// in a script. @oclif/plugin-not-found was tried: it prints the suggestion only as an
// interactive prompt that then runs the command, and says nothing at all when stdin is not a
// terminal, which is where typos in scripts and CI happen.
import type {Hook} from '@oclif/core'
import {distance} from 'fastest-levenshtein'
import {EXIT} from '../errors.js'

/** The visible command id nearest to `typed` ("node:list" style), or undefined when nothing is
 *  close enough to be a plausible typo (more than a third of the letters differ). */
export function nearestCommand(typed: string, ids: readonly string[]): string | undefined {
  let best: {id: string; d: number} | undefined
  for (const id of ids) {
    const d = distance(typed, id)
    if (!best || d < best.d) best = {id, d}
  }
  if (!best) return undefined
  return best.d <= Math.max(2, Math.floor(best.id.length / 3)) ? best.id : undefined
}

const hook: Hook.CommandNotFound = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  // With a space separator oclif joins every word typed into the id ("rom:show:lobby", the
  // last being an argument): try the longest run of leading words first, then shorter ones.
  const words = [...opts.id.split(':'), ...(opts.argv ?? []).filter((a) => !a.startsWith('-'))]
  const tries = words.map((_, i) => words.slice(0, words.length - i).join(':'))
  const suggestion = tries.map((t) => nearestCommand(t, ids)).find((s) => s !== undefined)
  const typed = opts.id.replaceAll(':', ' ')
  const hint = suggestion ? `; did you mean \`confctl ${suggestion.replaceAll(':', ' ')}\`?` : ''
  process.stderr.write(`confctl: '${typed}' is not a confctl command${hint} (see \`confctl help\` for the list).\n`)
  return this.exit(EXIT.badInput)
}

export default hook
