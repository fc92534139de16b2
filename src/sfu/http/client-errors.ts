// Requests that end without the handler's answer, answered and logged with a real status.
// Node reports a header or request timeout, a malformed request and a client that hung up
// mid-request as a 'clientError' on the server, not to the handler; left to Node, a
// timed-out request that had reached the handler is logged with the 200 its response
// object was born with, and one that never reached it (an idle or trickling connection) is
// not logged at all. Here the first get 408, malformed requests 400 (431 for oversized
// headers), and both get an access-log line with the address captured at connect time.
import type {Server, ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import type {AccessLog} from '../access-log.js'
import {peerAddress} from './connection-guard.js'

/** Logged for a request whose client went away before the answer was sent (nginx's convention; never sent). */
export const CLIENT_CLOSED_REQUEST = 499

const inFlight = new WeakMap<Socket, ServerResponse>()
const endedWith = new WeakMap<ServerResponse, number>()
const answered = new WeakSet<Socket>()

/** Called when a request reaches the handler: a later clientError on its socket belongs to it. */
export function trackResponse(socket: Socket, res: ServerResponse): void {
  inFlight.set(socket, res)
  res.once('close', () => {
    if (inFlight.get(socket) === res) inFlight.delete(socket)
  })
}

/** The status the access log records for a response once it has closed. */
export function finalStatus(res: ServerResponse): number {
  return endedWith.get(res) ?? (res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST)
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}

function statusFor(code: string | undefined): number | undefined {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408
  if (code === 'HPE_HEADER_OVERFLOW') return 431
  if (code === 'HPE_INVALID_EOF_STATE') return CLIENT_CLOSED_REQUEST // hung up in the middle of a request
  if (code?.startsWith('HPE_')) return 400
  return undefined // a socket error (ECONNRESET, EPIPE): nobody left to answer
}

export function answerClientErrors(server: Server, log: AccessLog, name: 'public' | 'admin'): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (answered.has(socket)) return void socket.destroy() // the echo of our own close
    answered.add(socket)
    const status = statusFor(err.code)
    const res = inFlight.get(socket)
    if (res) {
      // The handler's request: its access-log line (logAccess) is written when it closes.
      if (status !== undefined && !res.headersSent) endedWith.set(res, status)
    } else if (status !== undefined) {
      log.write({
        time: new Date().toISOString(),
        server: name,
        method: '',
        path: '',
        status,
        bytes: 0,
        ip: peerAddress(socket),
        userAgent: '',
      })
    }
    const reason = status === undefined ? undefined : REASONS[status]
    if (reason && socket.writable && !res?.headersSent) {
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    socket.destroy()
  })
}
