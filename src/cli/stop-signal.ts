// "Until Ctrl-C" for commands that run until stopped (demo without a dashboard, node logs
// -f): SIGINT or SIGTERM, or the end of an optional duration, aborts one AbortSignal that
// the domain loop takes. The listeners are the command's, removed again by dispose(), so a
// domain module never touches process signals.
export interface StopSignal {
  signal: AbortSignal
  dispose(): void
}

export function stopOnSignal({durationMs = 0}: {durationMs?: number} = {}): StopSignal {
  const stop = new AbortController()
  const onSignal = (name: NodeJS.Signals) => stop.abort(name)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const timer = durationMs > 0 ? setTimeout(() => stop.abort('duration'), durationMs) : undefined
  timer?.unref()
  return {
    signal: stop.signal,
    dispose() {
      clearTimeout(timer)
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    },
  }
}
