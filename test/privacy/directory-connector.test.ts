// test-kind: e2e
// Directory stores whose records are directories (BigBlueButton's presentation/<record_id>/)
// or files, on real files in a temp dir: found by name, exported whole (every file in the
// manifest, byte-identical), deleted whole (also after a kill half-way through), and
// entries that match but cannot be read reported instead of skipped.
// Tests run as root, where chmod 000 does not stop a read; the unreadable entries used are
// a dangling symbolic link and a FIFO (a FIFO must not even be opened: that blocks); chmod 000
// itself is tested in unreadable.test.ts, searching as the user nobody.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {DirectoryConnector} from '../../src/privacy/connectors/directory-connector.js'
import type {Unsearchable} from '../../src/privacy/connectors/connector.js'
import {parseDatamap} from '../../src/privacy/datamap-parse.js'
import {cli, tempHome} from './helpers.js'

const ERIKA_RECS = [
  'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678-1761990000000',
  'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678-1762080000000',
]
const MAX_REC = 'ffeeddccbbaa00998877665544332211ffeeddcc-1762170000000'
const FILES = ['metadata.xml', 'video/webcams.webm', 'presentation/slide-1.svg', 'captions.json']

/** A BBB-like layout: greenlight.db (recordings owned by users) + presentation/<record_id>/... */
function seed(): {dir: string; datamap: string} {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-dirrec-'))
  const db = new Database(join(dir, 'greenlight.db'))
  db.exec('CREATE TABLE recordings (record_id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT)')
  const ins = db.prepare('INSERT INTO recordings VALUES (?, ?, ?)')
  ins.run(ERIKA_RECS[0], 'erika.m', 'Ethik 1')
  ins.run(ERIKA_RECS[1], 'erika.m', 'Ethik 2')
  ins.run(MAX_REC, 'max.b', 'Tutorium')
  db.close()
  for (const rec of [...ERIKA_RECS, MAX_REC])
    for (const f of FILES) {
      const path = join(dir, 'presentation', rec, f)
      mkdirSync(dirname(path), {recursive: true})
      writeFileSync(path, `${rec}/${f} bytes`)
    }
  const datamap = join(dir, 'datamap.yaml')
  writeFileSync(
    datamap,
    `version: 1
stores:
  greenlight:
    kind: sqlite
    connection: {path: ${join(dir, 'greenlight.db')}}
    collections:
      recordings:
        table: recordings
        key: record_id
        purpose: recordings a moderator made
        legal_basis: a
        source: the conference
        retention: {period: 365d, from: end of the meeting}
        erasure: {strategy: delete}
        fields:
          record_id: {category: meeting.recording_id}
          owner: {category: identity.login, identifies: user_id}
          name: {category: meeting.metadata}
  bbb:
    kind: directory
    collections:
      presentation:
        directory: ${join(dir, 'presentation')}
        name: "{record_id}"
        purpose: recordings a moderator made
        legal_basis: a
        source: the conference
        retention: {period: 365d, from: mtime}
        erasure: {strategy: delete}
        fields:
          record_id: {category: meeting.recording_id}
references:
  - bbb.presentation.record_id -> greenlight.recordings.record_id
`,
  )
  return {dir, datamap}
}

const ERIKA = ['--subject', 'user_id=erika.m']

test('recording directories are records: exported whole, erased whole, verify passes only then', async () => {
  const {dir, datamap} = seed()
  const home = tempHome()
  const acc = await cli(home, ['dsar', 'open', '--type', 'access', ...ERIKA, '--datamap', datamap, '--json'])
  assert.is(acc.exitCode, 0, acc.stderr)
  const out = join(home, 'erika')
  const exp = await cli(home, ['dsar', 'access', acc.json.id, '--out', out, '--json'])
  assert.is(exp.exitCode, 0, exp.stderr)
  const bbb = exp.json.stores.find((s: {store: string}) => s.store === 'bbb')
  assert.is(bbb.records, 2, 'both of her recording directories are records')
  assert.is(bbb.files, 2 * FILES.length)
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  for (const rec of ERIKA_RECS)
    for (const f of FILES) {
      const path = `files/bbb/presentation/${rec}/${f}`
      assert.ok(
        manifest.files.some((m: {path: string}) => m.path === path),
        `${path} is in the manifest`,
      )
      assert.is(readFileSync(join(out, path), 'utf8'), `${rec}/${f} bytes`)
    }
  assert.not.ok(
    manifest.files.some((m: {path: string}) => m.path.includes(MAX_REC)),
    "another user's recording is not exported",
  )

  const er = await cli(home, ['dsar', 'open', '--type', 'erasure', ...ERIKA, '--datamap', datamap, '--json'])
  const exec = await cli(home, ['dsar', 'erase', er.json.id, '--execute', '--json'])
  assert.is(exec.exitCode, 0, exec.stderr + exec.stdout)
  for (const rec of ERIKA_RECS) assert.not.ok(existsSync(join(dir, 'presentation', rec)), `${rec} is gone`)
  for (const f of FILES) assert.ok(existsSync(join(dir, 'presentation', MAX_REC, f)), `Max's ${f} stays`)
  const ver = await cli(home, ['dsar', 'verify', er.json.id, '--json'])
  assert.is(ver.exitCode, 0, ver.stdout)

  // Her recordings are no longer reachable by the search (their rows are gone), but the
  // journal names what was deleted: a directory restored from a backup fails verify.
  mkdirSync(join(dir, 'presentation', ERIKA_RECS[0]))
  const again = await cli(home, ['dsar', 'verify', er.json.id, '--json'])
  assert.is(again.exitCode, 1, again.stdout)
  assert.equal(
    again.json.stores.flatMap((s: {remaining: Array<{key: string}>}) => s.remaining.map((r) => r.key)),
    [join(dir, 'presentation', ERIKA_RECS[0])],
  )
})

test('a capture given by a reference may contain the separator: "{room_uid}-{started}" with uid "eri-abc-123"', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-dirrec-split-'))
  for (const n of ['eri-abc-123-1761990000000', 'eri-abc-1234-1762080000000', 'eri-1761990000000'])
    mkdirSync(join(dir, n))
  const map = parseDatamap(
    `version: 1
stores:
  bbb:
    kind: directory
    collections:
      presentation:
        directory: ${dir}
        name: "{room_uid}-{started}"
        purpose: recordings
        legal_basis: a
        source: the conference
        retention: {period: 365d, from: mtime}
        erasure: {strategy: delete}
        fields:
          room_uid: {category: meeting.link}
`,
    'test.yaml',
    {},
  )
  const c = new DirectoryConnector(map.stores[0])
  const found = await c.find(map.stores[0].collections[0], [{field: 'room_uid', values: ['eri-abc-123']}])
  assert.equal(
    found.map((r) => [r.data.room_uid, r.data.started]),
    [['eri-abc-123', '1761990000000']],
  )
})

const conn = (dir: string) => {
  const map = parseDatamap(
    `version: 1
stores:
  bbb:
    kind: directory
    collections:
      presentation:
        directory: ${dir}
        name: "{record_id}"
        purpose: recordings
        legal_basis: a
        source: the conference
        retention: {period: 365d, from: mtime}
        erasure: {strategy: delete}
        fields:
          record_id: {category: meeting.recording_id, identifies: user_id}
`,
    'test.yaml',
    {},
  )
  return {c: new DirectoryConnector(map.stores[0]), coll: map.stores[0].collections[0]}
}

test('entries that match but cannot be read are records and are reported: a dangling link, a FIFO inside', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-dirrec-bad-'))
  mkdirSync(join(dir, 'rec-1', 'video'), {recursive: true})
  writeFileSync(join(dir, 'rec-1', 'video', 'webcams.webm'), 'webm')
  execFileSync('mkfifo', [join(dir, 'rec-1', 'events.fifo')])
  symlinkSync(join(dir, 'rec-1', 'missing.xml'), join(dir, 'rec-1', 'metadata.xml'))
  symlinkSync(join(dir, 'nowhere'), join(dir, 'rec-2'))
  const {c, coll} = conn(dir)
  await c.connect()
  const problems: Unsearchable[] = []
  const found = await c.find(coll, [{field: 'record_id', values: ['rec-1', 'rec-2']}], (u) => problems.push(u))
  assert.equal(
    found.map((r) => [r.key, r.files?.map((f) => f.name)]),
    [
      [join(dir, 'rec-1'), ['rec-1/video/webcams.webm']],
      [join(dir, 'rec-2'), undefined],
    ],
  )
  assert.equal(
    problems.map((p) => [p.path, p.reason]),
    [
      [join(dir, 'rec-1', 'events.fifo'), 'is a FIFO (named pipe), not a file that can be read'],
      [join(dir, 'rec-1', 'metadata.xml'), 'is a symbolic link to a missing target'],
      [join(dir, 'rec-2'), 'is a symbolic link to a missing target'],
    ],
  )
  // Erasure removes the entries themselves (the FIFO with its directory, the link, not its target).
  const [step] = c.planErasure(coll, found)
  assert.is(await c.apply(coll, step), 2)
  assert.not.ok(existsSync(join(dir, 'rec-1')))
  assert.equal(await c.find(coll, [{field: 'record_id', values: ['rec-1', 'rec-2']}]), [])
})

test('a deletion killed half-way is finished by the same step, and the half-deleted tree is never a record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-dirrec-kill-'))
  mkdirSync(join(dir, 'rec-1'))
  writeFileSync(join(dir, 'rec-1', 'a.webm'), 'a')
  const {c, coll} = conn(dir)
  const [step] = c.planErasure(coll, await c.find(coll, [{field: 'record_id', values: ['rec-1']}]))
  // What a kill after the atomic rename and before the removal leaves behind.
  renameSync(join(dir, 'rec-1'), join(dir, '.rec-1.erasing'))
  assert.equal(await c.find(coll, [{field: 'record_id', values: ['.rec-1.erasing', 'rec-1']}]), [])
  assert.is(await c.apply(coll, step), 0, 'the record was already gone from its name')
  assert.not.ok(existsSync(join(dir, '.rec-1.erasing')), 'the rest is removed by the rerun')
})

test.run()
