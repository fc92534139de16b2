// test-kind: e2e
// Privacy commands that must leave the disk alone: `dsar list`, `hold list` and `audit verify`
// on a fresh home (no key, no database created by looking) and `dsar access --out` into a directory that does not exist
// (refused with exit 2 before anything is opened, instead of growing the directory tree).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {seedNode} from '../privacy/helpers.js'
import {cli} from './helpers.js'

const base = mkdtempSync(join(tmpdir(), 'confctl-dsar-nothing-'))
const env = (home: string) => ({
  env: {CONFCTL_HOME: home, CONFCTL_STORE_URL: '', CONFCTL_PRIVACY_KEY: '', NO_COLOR: '1'},
})
test.after(() => rmSync(base, {recursive: true, force: true}))

test('dsar list on a fresh home prints no requests and creates nothing', async () => {
  const home = join(base, 'fresh') // does not exist yet either
  const human = await cli(home, ['dsar', 'list'], env(home))
  assert.is(human.exitCode, 0, human.stderr)
  assert.match(human.stdout, 'no requests.')
  const json = await cli(home, ['dsar', 'list', '--json'], env(home))
  assert.equal(JSON.parse(json.stdout), {requests: []})
  assert.not.ok(existsSync(home), `dsar list created ${home}: ${existsSync(home) ? readdirSync(home).join(', ') : ''}`)
})

test('hold list and audit verify on a fresh home: empty answers, nothing created', async () => {
  const home = join(base, 'fresh3')
  const holds = await cli(home, ['hold', 'list', '--json'], env(home))
  assert.is(holds.exitCode, 0, holds.stderr)
  assert.equal(JSON.parse(holds.stdout), {holds: []})
  const audit = await cli(home, ['audit', 'verify', '--json'], env(home))
  assert.is(audit.exitCode, 0, audit.stderr)
  assert.equal(JSON.parse(audit.stdout), {ok: true, entries: 0, problems: [], anchors: []})
  assert.not.ok(existsSync(home))
})

test('dsar access --out into a missing directory: exit 2, one sentence, nothing created', async () => {
  const home = join(base, 'h1')
  seedNode(home) // a local node's store: where the default datamap comes from
  const open = await cli(
    home,
    ['dsar', 'open', '--type', 'access', '--subject', 'email=anna@example.org', '--json'],
    env(home),
  )
  assert.is(open.exitCode, 0, open.stderr)
  const id = JSON.parse(open.stdout).id as string
  const before = readdirSync(home).sort()
  for (const out of [join(base, 'missing', 'dir', 'x.zip'), join(base, 'missing', 'export')]) {
    const r = await cli(home, ['dsar', 'access', id, '--out', out], env(home))
    assert.is(r.exitCode, 2, r.stderr)
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
    assert.match(
      r.stderr,
      `the directory ${join(base, 'missing', out.endsWith('.zip') ? 'dir' : '')}`.replace(/\/$/, ''),
    )
    assert.match(r.stderr, 'does not exist')
    assert.not.ok(existsSync(join(base, 'missing')), 'a directory was created')
  }
  assert.equal(readdirSync(home).sort(), before)
  const show = await cli(home, ['dsar', 'show', id, '--json'], env(home))
  assert.is(JSON.parse(show.stdout).request.status, 'open', 'the refused export changed the request')
})

test('dsar access on a fresh home with a bad --out creates no key and no database', async () => {
  const home = join(base, 'fresh2')
  const r = await cli(home, ['dsar', 'access', 'dsr-nope', '--out', join(base, 'missing', 'x.zip')], env(home))
  assert.is(r.exitCode, 2, r.stderr)
  assert.not.ok(existsSync(home))
})

test.run()
