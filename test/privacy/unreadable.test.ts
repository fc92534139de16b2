// test-kind: e2e
// Permissions for real: chmod 000 on a recording directory, on a file inside another one and
// on a rotated log. Root reads through chmod 000, and the tests run as root, so the search
// runs in a child process as the unprivileged user nobody (65534) when we are root (as any
// other user it runs as that user). Each is reported "cannot be read: permission denied".
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

const NOBODY = 65534

test('chmod 000 entries are reported as permission denied, not skipped', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-perm-'))
  chmodSync(dir, 0o755)
  const rec = join(dir, 'presentation')
  mkdirSync(join(rec, 'rec-1'), {recursive: true})
  mkdirSync(join(rec, 'rec-2'))
  writeFileSync(join(rec, 'rec-1', 'metadata.xml'), '<x/>')
  writeFileSync(join(rec, 'rec-2', 'metadata.xml'), '<x/>')
  writeFileSync(join(rec, 'rec-2', 'webcams.webm'), 'webm')
  chmodSync(join(rec, 'rec-1'), 0o000)
  chmodSync(join(rec, 'rec-2', 'webcams.webm'), 0o000)
  const logs = join(dir, 'logs')
  mkdirSync(logs)
  writeFileSync(join(logs, 'access.log'), '192.0.2.1 - - [10/Nov/2026:09:15:02 +0100] "GET / HTTP/1.1" 200 1\n')
  writeFileSync(join(logs, 'access.log.3'), '192.0.2.1 - - [10/Nov/2026:09:15:02 +0100] "GET / HTTP/1.1" 200 1\n')
  chmodSync(join(logs, 'access.log.3'), 0o000)

  const mod = (p: string) => JSON.stringify(pathToFileURL(join(process.cwd(), 'dist/src/privacy', p)).href)
  const script = `
    const {parseDatamap} = await import(${mod('datamap-parse.js')})
    const {DirectoryConnector} = await import(${mod('connectors/directory-connector.js')})
    const {CombinedLogConnector} = await import(${mod('connectors/combined-log-connector.js')})
    const common = 'purpose: p\\n        legal_basis: a\\n        source: s\\n        erasure: {strategy: delete}\\n'
    const map = parseDatamap(\`version: 1
stores:
  bbb:
    kind: directory
    collections:
      presentation:
        directory: ${rec}
        name: "{record_id}"
        \${common}        retention: {period: 1d, from: mtime}
        fields:
          record_id: {category: c, identifies: user_id}
  web:
    kind: combined-log
    collections:
      access:
        path: ${join(logs, 'access.log*')}
        \${common}        retention: {period: 1d, from: time}
        fields:
          ip: {category: c, identifies: ip}
\`, 'perm.yaml', {})
    const problems = []
    const d = new DirectoryConnector(map.stores[0])
    const found = await d.find(map.stores[0].collections[0], [{field: 'record_id', values: ['rec-1', 'rec-2']}], (u) => problems.push(u))
    const l = new CombinedLogConnector(map.stores[1])
    const lines = await l.find(map.stores[1].collections[0], [{field: 'ip', values: ['192.0.2.1'], ip: true}], (u) => problems.push(u))
    console.log(JSON.stringify({records: found.map((r) => r.key), files: found.flatMap((r) => (r.files ?? []).map((f) => f.name)), lines: lines.length, problems, uid: process.getuid()}))`
  const asRoot = process.getuid?.() === 0
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    ...(asRoot ? {uid: NOBODY, gid: NOBODY} : {}),
  })
  assert.is(r.status, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is.not(out.uid, 0, 'the search ran without root, where chmod 000 means something')
  assert.equal(out.records, [join(rec, 'rec-1'), join(rec, 'rec-2')])
  assert.equal(out.files, ['rec-2/metadata.xml'])
  assert.is(out.lines, 1, 'the readable log is still searched')
  assert.equal(
    out.problems.map((p: {path: string; reason: string}) => [p.path, p.reason]),
    [
      [join(rec, 'rec-1'), 'cannot be read: permission denied'],
      [join(rec, 'rec-2', 'webcams.webm'), 'cannot be read: permission denied'],
      [join(logs, 'access.log.3'), 'cannot be read: permission denied'],
    ],
  )
})

test.run()
