// The STUN/TURN servers a node tells its clients about (`--ice-server URL[,username,credential]`,
// repeatable), as RFC 9725 §4.6 Link headers on the 201 and on OPTIONS. The node itself uses
// none: it answers from its own addresses; the servers are for clients behind NATs.

export interface IceServer {
  /** stun:, stuns:, turn: or turns: URI (RFC 7064, RFC 7065). */
  url: string
  /** TURN long-term credentials (RFC 8489 §10.2); absent for STUN. */
  username?: string
  credential?: string
}

export class IceServerError extends Error {}

// Characters that would break out of the Link header's <URI> or a quoted-string.
const URI = /^(stuns?|turns?):[^\s<>",;\\]+$/
const QUOTABLE = /^[^\s"\\,]+$/

/** Parses one flag value: `stun:host:port` or `turn:host:port?transport=udp,username,credential`. */
export function parseIceServer(value: string, flag = '--ice-server'): IceServer {
  const [url = '', username, credential, ...rest] = value.split(',')
  if (!URI.test(url))
    throw new IceServerError(
      `${flag} must start with a stun:, stuns:, turn: or turns: URI without spaces, quotes, commas or angle brackets, not '${url}'`,
    )
  const turn = url.startsWith('turn')
  if (rest.length > 0) throw new IceServerError(`${flag} takes URL[,username,credential]; '${value}' has more parts`)
  if (!turn && username !== undefined)
    throw new IceServerError(`${flag} ${url} is a STUN server; only TURN servers take a username and credential`)
  if (turn && (username === undefined || credential === undefined))
    throw new IceServerError(`${flag} ${url} is a TURN server: give it as URL,username,credential`)
  for (const [what, v] of [
    ['username', username],
    ['credential', credential],
  ] as const) {
    if (v !== undefined && !QUOTABLE.test(v))
      throw new IceServerError(
        `${flag} ${what} of ${url} must be non-empty, without spaces, quotes, commas or backslashes`,
      )
  }
  return turn ? {url, username, credential} : {url}
}

/** One Link header value per server (RFC 9725 §4.6, RFC 8288). */
export function iceServerLinks(servers: readonly IceServer[]): string[] {
  return servers.map((s) =>
    s.username === undefined
      ? `<${s.url}>; rel="ice-server"`
      : `<${s.url}>; rel="ice-server"; username="${s.username}"; credential="${s.credential}"; credential-type="password"`,
  )
}
