// Builds JWTs byte by byte, header and payload given as JSON text, so that tests can send
// what no JWT library would produce (exp = 1e309, alg "none", a missing claim, a wrong kid):
// the hostile tokens the node must refuse.
import {createHmac} from 'node:crypto'

export const b64url = (text: string | Buffer) => Buffer.from(text).toString('base64url')

/** HS256 over the exact header and payload text given (objects are JSON.stringify'd). */
export function rawJwt(secret: Uint8Array, header: object | string, payload: object | string): string {
  const h = b64url(typeof header === 'string' ? header : JSON.stringify(header))
  const p = b64url(typeof payload === 'string' ? payload : JSON.stringify(payload))
  const sig = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')
  return `${h}.${p}.${sig}`
}
