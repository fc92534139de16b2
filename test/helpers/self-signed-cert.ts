// A throwaway self-signed certificate and key (PEM files in a temp directory), made with the
// openssl command line, for tests of the node's HTTPS admin API. The name in it is not
// 127.0.0.1 on purpose: confctl trusts the node's certificate by identity, not by name.
import {execFileSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export function makeSelfSignedCert(name = 'admin.example.test'): {dir: string; cert: string; key: string} {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-tls-'))
  const cert = join(dir, 'admin-cert.pem')
  const key = join(dir, 'admin-key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
    ],
    {stdio: 'pipe'},
  )
  return {dir, cert, key}
}
