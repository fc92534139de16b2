// Waiting on a condition with a deadline, the one way tests wait (never a fixed sleep): a
// loaded machine only makes the wait longer, never the test wrong. pollUntil in
// wrtc-session.ts polls a WebRTC probe every 200 ms and returns the last value; this one
// polls cheap in-process conditions often and fails the test, naming what did not happen.

type Truthy<T> = Exclude<T, null | undefined | false | 0 | ''>

/** Re-checks `condition` every `stepMs` until it returns something truthy (which is returned),
 *  or throws "<what> did not happen within N s" once `timeoutMs` has passed. */
export async function until<T>(
  what: string,
  condition: () => T | Promise<T>,
  timeoutMs = 10_000,
  stepMs = 10,
): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await condition()
    if (value) return value as Truthy<T>
    if (Date.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}
