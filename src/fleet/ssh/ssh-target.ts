// `USER@HOST[:PORT]` as typed on the command line (HOST may be an IPv6 address, in
// brackets when a port follows: root@[2001:db8::1]:2222, or bare: ops@::1), and the quoting
// of values put into remote shell commands.
import {isIPv6} from 'node:net'
import {BadInputError} from '../../errors.js'

export interface SshTarget {
  user: string
  host: string
  port: number
}

const USER = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i
const HOST = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i

export function parseSshTarget(text: string): SshTarget {
  const bad = (why: string) =>
    new BadInputError(`the host must be USER@HOST or USER@HOST:PORT (${why}), got '${text}'.`)
  const at = text.lastIndexOf('@')
  if (at <= 0) throw bad('the user is missing')
  const user = text.slice(0, at)
  if (!USER.test(user)) throw bad(`'${user}' is not a user name`)
  let rest = text.slice(at + 1)
  let host: string
  let portText: string | undefined
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']')
    if (end === -1) throw bad('an unclosed [')
    host = rest.slice(1, end)
    rest = rest.slice(end + 1)
    if (rest && !rest.startsWith(':')) throw bad(`unexpected '${rest}' after the address`)
    portText = rest ? rest.slice(1) : undefined
    if (!/^[0-9a-f:.]+$/i.test(host) || !host.includes(':')) throw bad(`'${host}' is not an IPv6 address`)
  } else if (rest.indexOf(':') !== rest.lastIndexOf(':')) {
    // Two or more colons: a bare IPv6 address (no port can follow it unambiguously).
    if (!isIPv6(rest)) throw bad(`'${rest}' is not an IPv6 address; write [ADDRESS]:PORT for one with a port`)
    host = rest
  } else {
    const colon = rest.indexOf(':')
    host = colon === -1 ? rest : rest.slice(0, colon)
    portText = colon === -1 ? undefined : rest.slice(colon + 1)
    if (!HOST.test(host)) throw bad(host ? `'${host}' is not a host name or IPv4 address` : 'the host is missing')
  }
  let port = 22
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN
    if (!(port >= 1 && port <= 65535)) throw bad(`'${portText}' is not a port 1-65535`)
  }
  return {user, host, port}
}

export function formatSshTarget(t: SshTarget): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host
  return `${t.user}@${host}${t.port === 22 ? '' : `:${t.port}`}`
}

/** One argument for a POSIX shell, quoted so nothing in it is interpreted. */
export function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}
