// Which methods each kind of public resource takes, and the answers that follow from it:
// CORS (browsers call WHIP/WHEP cross-origin and must be told every method and header a
// resource takes, or fetch() fails before the request is sent), OPTIONS, and 405 + Allow.
// RFC 9725 §4.2: endpoints take POST (and OPTIONS), sessions PATCH and DELETE.
import type {IncomingMessage, ServerResponse} from 'node:http'
import {HttpError} from './http-kit.js'

export type ResourceKind = 'endpoint' | 'session'

const METHODS: Record<ResourceKind, string> = {
  endpoint: 'POST, OPTIONS',
  session: 'PATCH, DELETE, OPTIONS',
}

/** On every public answer: any origin (the join token, not the origin, is the credential),
 *  and the headers a page's script may read. */
export function setCorsHeaders(res: ServerResponse): void {
  res.setHeader('access-control-allow-origin', '*')
  res.setHeader('access-control-expose-headers', 'Location, ETag, Link, Retry-After, Allow, Accept-Post, Accept-Patch')
}

/**
 * OPTIONS, a CORS preflight or a client's question (RFC 9725 §4.2, §4.6): what the resource
 * takes, and on an endpoint the ICE servers as Link headers. The servers come from the node's
 * configuration, so answering them even to a preflight costs nothing.
 */
export function answerOptions(res: ServerResponse, kind: ResourceKind, links: string[]): void {
  const headers: Record<string, string | string[]> = {
    allow: METHODS[kind],
    'access-control-allow-methods': METHODS[kind],
    'access-control-allow-headers': 'Authorization, Content-Type, If-Match',
    'access-control-max-age': '86400',
    'content-length': '0',
  }
  if (kind === 'endpoint') {
    headers['accept-post'] = 'application/sdp'
    if (links.length > 0) headers.link = links
  } else {
    headers['accept-patch'] = 'application/trickle-ice-sdpfrag'
  }
  res.writeHead(200, headers)
  res.end()
}

/** 405 with the Allow header RFC 9110 §15.5.6 requires. */
export function requireMethod(req: IncomingMessage, kind: ResourceKind, allowed: readonly string[]): string {
  const method = req.method ?? 'GET'
  if (!allowed.includes(method)) {
    throw new HttpError(
      405,
      'method_not_allowed',
      `method ${method} is not allowed here; this resource takes ${METHODS[kind]}`,
      {allow: METHODS[kind]},
    )
  }
  return method
}
