// Where and how the admin API may listen. The admin port carries the bearer token that
// controls the node, so anywhere but loopback it is served over HTTPS
// (--admin-tls-cert/--admin-tls-key), or over plain HTTP only when the operator says so with
// --insecure-admin, which the node then announces loudly (log line, /v1/node warnings,
// `confctl node status`). Also: the admin URL the node prints and writes to state.json, which
// must be one a client can actually dial (a wildcard listen address is not).
import {readFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {createSecureContext} from 'node:tls'

export interface AdminExposureConfig {
  adminHost: string
  adminTlsCert?: string
  adminTlsKey?: string
  insecureAdmin: boolean
}

const WILDCARDS = new Set(['0.0.0.0', '::', '::0'])

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host
  return isIP(v4) === 4 && v4.startsWith('127.')
}

/** Why the flags are not acceptable (one sentence), or undefined when they are. */
export function adminExposureProblem(c: AdminExposureConfig): string | undefined {
  if (Boolean(c.adminTlsCert) !== Boolean(c.adminTlsKey)) {
    return '--admin-tls-cert and --admin-tls-key go together: give both (the certificate and its private key, PEM) or neither'
  }
  if (c.adminTlsCert && c.insecureAdmin)
    return '--insecure-admin contradicts --admin-tls-cert: choose HTTPS or plain HTTP for the admin API'
  if (!isLoopback(c.adminHost) && !c.adminTlsCert && !c.insecureAdmin) {
    return `--admin-host ${c.adminHost} is not a loopback address, so the admin API needs --admin-tls-cert and --admin-tls-key (HTTPS), or --insecure-admin to accept plain HTTP on the network`
  }
  return undefined
}

/** Warnings the node repeats in its log at start and in GET /v1/node. */
export function adminWarnings(c: AdminExposureConfig, port: number): string[] {
  if (isLoopback(c.adminHost) || c.adminTlsCert) return []
  return [
    `the admin API is served over plain HTTP on ${c.adminHost} port ${port} (--insecure-admin): anyone on that network can read the admin token and control this node`,
  ]
}

/** The certificate and key, read once at start; a failure names the file (ConfigError-worthy). */
export function readAdminTls(c: AdminExposureConfig): {cert: Buffer; key: Buffer} | string | undefined {
  if (!c.adminTlsCert || !c.adminTlsKey) return undefined
  const read = (path: string, flag: string): Buffer | string => {
    try {
      return readFileSync(path)
    } catch (err) {
      return `${flag} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
    }
  }
  const cert = read(c.adminTlsCert, '--admin-tls-cert')
  if (typeof cert === 'string') return cert
  const key = read(c.adminTlsKey, '--admin-tls-key')
  if (typeof key === 'string') return key
  try {
    createSecureContext({cert, key}) // a mismatched pair or a non-PEM file fails here, not at the first client
  } catch (err) {
    return `--admin-tls-cert ${c.adminTlsCert} and --admin-tls-key ${c.adminTlsKey} are not a usable PEM certificate and matching key (${(err as Error).message})`
  }
  return {cert, key}
}

/** The URL to dial (https with TLS; loopback for a wildcard bind) and how the node listens. */
export function adminUrlOf(c: AdminExposureConfig, port: number): {url: string; listening: string} {
  const scheme = c.adminTlsCert ? 'https' : 'http'
  const wildcard = WILDCARDS.has(c.adminHost)
  const dial =
    c.adminHost === '0.0.0.0'
      ? '127.0.0.1'
      : wildcard
        ? '[::1]'
        : c.adminHost.includes(':')
          ? `[${c.adminHost}]`
          : c.adminHost
  return {
    url: `${scheme}://${dial}:${port}`,
    listening: wildcard ? `listening on all interfaces (${c.adminHost})` : `listening on ${c.adminHost}`,
  }
}
