// Watching one room of a node: its detail (GET /v1/rooms/{room}) once per interval until
// stopped, for the demo when there is no terminal for the dashboard. The caller renders each
// detail; the last one, asked again after the stop, is the result (`demo --json`).
import type {RoomDetail} from '../api/node-api.js'

export interface RoomSource {
  room(name: string): Promise<RoomDetail>
}

export interface RoomWatchOptions {
  intervalMs: number
  /** Aborted by Ctrl-C, SIGTERM or the end of a duration (cli/stop-signal.ts). */
  signal: AbortSignal
  onDetail?: (detail: RoomDetail) => void
}

export async function watchRoom(client: RoomSource, room: string, opts: RoomWatchOptions): Promise<RoomDetail> {
  while (!opts.signal.aborted) {
    opts.onDetail?.(await client.room(room))
    await pause(opts.intervalMs, opts.signal)
  }
  return client.room(room)
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve() // 'abort' will not fire again
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}
