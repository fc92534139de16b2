// The pause between two polls (log following, the demo's room lines): Node's own abortable
// timer, resolving either way, so a stop (Ctrl-C, the end of --duration) ends it at once.
import {setTimeout as delay} from 'node:timers/promises'

/** Resolves after `ms`, or as soon as `signal` is aborted (at once if it already is). */
export async function untilAbortedOr(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, {signal}).catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err
  })
}
