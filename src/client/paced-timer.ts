// A timer that keeps an average rate. setInterval drifts and bunches under load (10 ms audio
// ticks in particular), which would make the synthetic sources themselves look like jitter
// or lost media; this one counts how many ticks are due since the start and catches up.

export interface PacedTimer {
  stop(): void
  readonly ticks: number
}

/** Calls `tick` every `intervalMs` on average; at most `maxBurst` catch-up calls at once. */
export function startPaced(intervalMs: number, tick: () => void, maxBurst = 5): PacedTimer {
  const start = performance.now()
  let done = 0
  let stopped = false
  const timer = setInterval(
    () => {
      const due = Math.floor((performance.now() - start) / intervalMs)
      // After a long stall (debugger, suspended VM) skip ahead instead of flooding the encoder.
      if (due - done > maxBurst) done = due - maxBurst
      while (!stopped && done < due) {
        done++
        tick()
      }
    },
    Math.max(1, Math.floor(intervalMs / 2)),
  )
  return {
    stop() {
      stopped = true
      clearInterval(timer)
    },
    get ticks() {
      return done
    },
  }
}
