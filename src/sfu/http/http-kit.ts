// The small HTTP toolkit both of the node's servers use: capped body reading, JSON error
// bodies, and an access-log hook that records every request once it has been answered.
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {AccessLog} from '../access-log.js'
import {finalStatus, trackResponse} from './client-errors.js'
import {peerAddress} from './connection-guard.js'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on a 429 or 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers})
  res.end(text)
}

export function sendError(res: ServerResponse, err: HttpError): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, err.status, {error: {code: err.code, message: err.message}}, err.headers)
}

/** Reads the whole body, refusing (413) anything over `maxBytes` without buffering it. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > maxBytes) {
    req.resume()
    return Promise.reject(
      new HttpError(413, 'body_too_large', `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`),
    )
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        req.removeAllListeners('data')
        req.resume()
        reject(new HttpError(413, 'body_too_large', `request body exceeds the limit of ${maxBytes} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
    // A request cut off by a timeout or a client that left may end with neither 'end' nor
    // 'error': without this the handler would wait (and hold the request) for ever.
    req.on('close', () => {
      if (!req.complete) reject(new HttpError(400, 'request_incomplete', 'the request body was cut off before its end'))
    })
  })
}

export function requireContentType(req: IncomingMessage, expected: string): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== expected) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be ${expected}, not '${type || 'none'}'`)
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? ''
  const m = /^Bearer\s+(\S+)$/i.exec(header)
  return m?.[1]
}

export function clientIp(req: IncomingMessage): string {
  const ip = req.socket.remoteAddress ?? ''
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip
}

/**
 * Writes one access-log line when the response has been sent or the request ended without
 * one (then with the status client-errors.ts records: 408, 499...). The address is taken
 * now, while the socket is surely open: at 'close' Node may no longer know it.
 */
export function logAccess(log: AccessLog, server: 'public' | 'admin', req: IncomingMessage, res: ServerResponse): void {
  const ip = peerAddress(req.socket)
  trackResponse(req.socket, res)
  let bytes = 0
  const write = res.write.bind(res)
  const end = res.end.bind(res)
  const count = (chunk: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk)
    else if (chunk instanceof Uint8Array) bytes += chunk.length
  }
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    count(chunk)
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
  }) as typeof res.write
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (typeof chunk !== 'function') count(chunk)
    return (end as (...a: unknown[]) => ServerResponse)(chunk, ...rest)
  }) as typeof res.end
  res.on('close', () => {
    log.write({
      time: new Date().toISOString(),
      server,
      method: req.method ?? '',
      path: (req.url ?? '').split('?')[0]!,
      status: finalStatus(res),
      bytes,
      ip,
      userAgent: String(req.headers['user-agent'] ?? ''),
    })
  })
}

/** Matches a path against a pattern like /whip/:room; returns the decoded params or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/')
  const s = path.split('/')
  if (p.length !== s.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    if (p[i]!.startsWith(':')) {
      try {
        params[p[i]!.slice(1)] = decodeURIComponent(s[i]!)
      } catch {
        return null
      }
    } else if (p[i] !== s[i]) return null
  }
  return params
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** Wraps a router so that every failure becomes a JSON error answer, never a crash. */
export function answeringErrors(route: Handler): Handler {
  return async (req, res) => {
    try {
      await route(req, res)
    } catch (err) {
      if (err instanceof HttpError) sendError(res, err)
      else sendError(res, new HttpError(500, 'internal', `internal error: ${(err as Error).message}`))
    }
  }
}
