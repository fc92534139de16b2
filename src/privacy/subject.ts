// A data subject as a request names them: one or more identifiers ("email=a@b.de",
// "ip=2001:db8::1"), normalised so that the same person is found however the value was
// typed, and hashed with the secret key wherever confctl keeps it outside sealed storage.
import {BadInputError} from '../errors.js'
import {IDENTIFIER_TYPES, type IdentifierType} from './datamap-types.js'
import {canonicalIp} from './ip-address.js'
import type {SecretKey} from './secret-key.js'

export interface Identifier {
  type: IdentifierType
  value: string
}

export function normaliseIdentifier(type: IdentifierType, raw: string): string {
  const v = raw.trim()
  if (type === 'email') return v.toLowerCase()
  if (type === 'ip') return canonicalIp(v) ?? v
  if (type === 'phone') return v.replace(/[\s()/-]/g, '')
  return v
}

/** Parses `--subject type=value`; bad input names the flag value. */
export function parseIdentifier(text: string): Identifier {
  const eq = text.indexOf('=')
  const type = text.slice(0, Math.max(eq, 0)).trim() as IdentifierType
  const value = eq >= 0 ? text.slice(eq + 1).trim() : ''
  if (eq < 0 || !IDENTIFIER_TYPES.includes(type) || value === '') {
    throw new BadInputError(`--subject '${text}' must be TYPE=VALUE with TYPE one of ${IDENTIFIER_TYPES.join(', ')}.`)
  }
  if (type === 'ip' && !canonicalIp(value))
    throw new BadInputError(`--subject '${text}' is not an IPv4 or IPv6 address.`)
  if (type === 'email' && !/^[^@\s]+@[^@\s]+$/.test(value))
    throw new BadInputError(`--subject '${text}' is not an e-mail address.`)
  return {type, value: normaliseIdentifier(type, value)}
}

/** The keyed hash that stands for an identifier in the audit log, holds and the register. */
export function subjectHash(key: SecretKey, id: Identifier): string {
  return key.mac('subject', `${id.type}=${id.value}`).slice(0, 32)
}

/** The values to look for in a stored field: the normalised one and, for e-mail, as typed is covered by lower-casing. */
export function matchValues(ids: Identifier[], type: IdentifierType): string[] {
  return [...new Set(ids.filter((i) => i.type === type).map((i) => i.value))]
}
