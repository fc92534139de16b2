// test-kind: e2e
// The single-file node bundle that `npm run build` writes (scripts/bundle-node.js): version
// and checksum beside it, nothing native inside, and it runs as the SFU node with only
// Node.js, from a directory with no node_modules anywhere above it.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import {appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import Database from 'better-sqlite3'
import {findBundle} from '../../../src/fleet/ssh/bundle.js'
import {BadInputError} from '../../../src/errors.js'
import {bundleDir, randomRtcRange} from '../../helpers/ssh-cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'confctl-bundle-'))
const children: ReturnType<typeof spawn>[] = []
test.after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  rmSync(tmp, {recursive: true, force: true})
})

const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'))

test('npm run build wrote the bundle with its version, checksum and manifest', () => {
  const m = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'))
  assert.is(m.version, pkg.version)
  assert.is(m.file, `confctl-node-${pkg.version}.mjs`)
  const code = readFileSync(join(bundleDir, m.file))
  assert.is(createHash('sha256').update(code).digest('hex'), m.sha256)
  assert.is(readFileSync(join(bundleDir, `${m.file}.sha256`), 'utf8'), `${m.sha256}  ${m.file}\n`)
  assert.is(m.bytes, code.length)
  assert.not.ok(
    /better-sqlite3|\.node['"]|node-gyp-build/.test(code.toString('utf8')),
    'no native module is referenced',
  )
  const b = findBundle()
  assert.equal([b.version, b.sha256], [m.version, m.sha256])
})

test('findBundle refuses a bundle changed after the build', () => {
  const dir = join(tmp, 'tampered')
  rmSync(dir, {recursive: true, force: true})
  cpSync(bundleDir, dir, {recursive: true})
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'))
  appendFileSync(join(dir, m.file), '\n// changed\n')
  assert.throws(
    () => findBundle(dir),
    (e: Error) => e instanceof BadInputError && /does not match the checksum/.test(e.message),
  )
  assert.throws(
    () => findBundle(join(tmp, 'nowhere')),
    (e: Error) => e instanceof BadInputError && /no node bundle/.test(e.message),
  )
})

test('the bundle runs as the node from a bare directory, with node-sqlite3-wasm for node.db', async () => {
  const m = JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8'))
  const bare = join(tmp, 'bare')
  rmSync(bare, {recursive: true, force: true})
  cpSync(bundleDir, bare, {recursive: true})
  const data = join(bare, 'data')
  const child = spawn(
    process.execPath,
    [
      join(bare, m.file),
      '--dir',
      data,
      '--name',
      'bundled',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--rtc-ports',
      randomRtcRange(),
    ],
    {
      cwd: bare,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {PATH: process.env.PATH}, // no NODE_PATH or anything else from this package
    },
  )
  children.push(child)
  let out = ''
  child.stdout!.on('data', (c) => (out += c))
  child.stderr!.on('data', (c) => (out += c))
  const deadline = Date.now() + 15_000
  while (!existsSync(join(data, 'state.json'))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bundle did not start: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const state = JSON.parse(readFileSync(join(data, 'state.json'), 'utf8'))
  const token = readFileSync(join(data, 'admin.token'), 'utf8').trim()
  const info = (await (
    await fetch(`${state.adminUrl}/v1/node`, {headers: {authorization: `Bearer ${token}`}})
  ).json()) as {version: string}
  assert.is(info.version, pkg.version)
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  assert.is(await exited, 0)
  const db = new Database(join(data, 'node.db'), {readonly: true})
  assert.equal(db.pragma('journal_mode'), [{journal_mode: 'delete'}])
  assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('sessions', 'qoe_samples')").all().length === 2)
  db.close()
})

test.run()
