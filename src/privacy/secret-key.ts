// The one secret of the privacy engine: a 32-byte key that (a) turns subjects into keyed
// hashes for the audit log and holds, (b) seals subjects in the request register with
// AES-256-GCM, (c) keys the audit chain, and (d) derives pseudonyms. It lives in
// $CONFCTL_HOME/privacy.key (0600), or CONFCTL_PRIVACY_KEY (64 hex digits) when several
// machines share one PostgreSQL register. Losing it makes sealed subjects unreadable:
// that is also how a closed request's subjects are shredded (see docs/privacy.md).
import {createCipheriv, createDecipheriv, createHmac, randomBytes} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {BadInputError} from '../errors.js'

export class SecretKey {
  private constructor(private readonly key: Buffer) {}

  static load(home: string, env: NodeJS.ProcessEnv = process.env): SecretKey {
    const fromEnv = env.CONFCTL_PRIVACY_KEY?.trim()
    if (fromEnv) {
      if (!/^[0-9a-f]{64}$/i.test(fromEnv))
        throw new BadInputError('CONFCTL_PRIVACY_KEY must be 64 hexadecimal digits.')
      return new SecretKey(Buffer.from(fromEnv, 'hex'))
    }
    const file = join(home, 'privacy.key')
    try {
      return new SecretKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    mkdirSync(home, {recursive: true})
    const key = randomBytes(32)
    try {
      writeFileSync(file, key.toString('hex') + '\n', {mode: 0o600, flag: 'wx'})
      return new SecretKey(key)
    } catch {
      return new SecretKey(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')) // another process won the race
    }
  }

  /** HMAC-SHA256 under a purpose label, so a subject hash can never be replayed as a pseudonym. */
  mac(purpose: string, text: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${text}`).digest('hex')
  }

  seal(text: string): string {
    const iv = randomBytes(12)
    const c = createCipheriv('aes-256-gcm', this.key, iv)
    const body = Buffer.concat([c.update(text, 'utf8'), c.final()])
    return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')
  }

  unseal(sealed: string): string {
    const raw = Buffer.from(sealed, 'base64')
    const d = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12))
    d.setAuthTag(raw.subarray(12, 28))
    try {
      return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')
    } catch {
      throw new BadInputError('a sealed subject cannot be opened with this privacy key (was privacy.key replaced?).')
    }
  }
}
