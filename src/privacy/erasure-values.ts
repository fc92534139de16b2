// What a field becomes under each erasure strategy. Pseudonyms are keyed HMACs
// (same input, same pseudonym, so joins between erased records still line up, but nobody
// without privacy.key can go back); IPs are truncated the anonip way (ip-address.ts).
import type {CollectionDef} from './datamap-types.js'
import type {ValueEraser} from './connectors/connector.js'
import {truncateIp} from './ip-address.js'
import type {SecretKey} from './secret-key.js'

export function pseudonym(key: SecretKey, value: string): string {
  return `pseud:${key.mac('pseudonym', value).slice(0, 20)}`
}

export function eraserFor(coll: CollectionDef, key: SecretKey): ValueEraser {
  return (_field, value) => {
    if (value === null || value === undefined) return null
    switch (coll.erasure.strategy) {
      case 'pseudonymise':
        return String(value).startsWith('pseud:') ? String(value) : pseudonym(key, String(value))
      case 'truncate-ip':
        return truncateIp(String(value))
      default:
        return null
    }
  }
}
