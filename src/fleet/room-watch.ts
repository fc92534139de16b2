// Watching one room of a node: its detail (GET /v1/rooms/{room}) once per interval until
// stopped, for the demo when there is no terminal for the dashboard. The caller renders each
// detail; the last one, asked again after the stop, is the result (`demo --json`).
import type {RoomDetail} from '../api/node-api.js'
import {untilAbortedOr} from './abortable-wait.js'

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
    await untilAbortedOr(opts.intervalMs, opts.signal)
  }
  return client.room(room)
}
