// test-kind: e2e
// The audit log cannot be shortened or replaced unnoticed. An attacker here has write access
// to confctl's store but not the privacy key: they delete entries and rewrite the head row
// (or replay a head row they copied earlier), or empty both tables. The keyed head, the
// witness under $CONFCTL_HOME and anchors kept elsewhere must each catch what they can; the
// checks run through the built CLI on SQLite and the real PostgreSQL.
import Database from 'better-sqlite3'
import pg from 'pg'
import {existsSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {appendAudit} from '../../src/privacy/audit-log.js'
import {cli, tempHome} from './helpers.js'
import {storeKinds, type StoreKind} from './audit-stores.js'

const made: StoreKind[] = []
test.after(async () => {
  for (const k of made) await k.dispose()
})

/** A fresh store of each kind per test: tampering must not leak into the next test. */
function fresh(): StoreKind[] {
  const kinds = storeKinds()
  made.push(...kinds)
  return kinds
}

/** SQL run with the store's own credentials but without confctl (no key, no witness update). */
async function raw(k: StoreKind, sql: string, params: unknown[] = []): Promise<any[]> {
  if (k.name === 'sqlite') {
    const db = new Database(join(k.home, 'confctl.db'))
    try {
      const st = db.prepare(sql)
      return st.reader ? st.all(...params) : (st.run(...params), [])
    } finally {
      db.close()
    }
  }
  const c = new pg.Client({connectionString: k.env.CONFCTL_STORE_URL})
  await c.connect()
  try {
    await c.query(`SET search_path TO "${k.env.CONFCTL_STORE_SCHEMA}"`)
    let i = 0
    return (
      await c.query(
        sql.replace(/\?/g, () => `$${++i}`),
        params,
      )
    ).rows
  } finally {
    await c.end()
  }
}

async function appendEntries(k: StoreKind, n: number): Promise<void> {
  await k.run(async (ctx) => {
    for (let i = 0; i < n; i++) await appendAudit(ctx.db, ctx.key, ctx.actor, {event: 'test.event', details: {i}})
  })
}

const verifyCli = (k: StoreKind, ...args: string[]) => cli(k.home, ['audit', 'verify', ...args], k.env)

for (const name of ['sqlite', 'postgres'] as const) {
  const pick = () => fresh().find((k) => k.name === name)!

  test(`${name}: removing the last entry and pointing the head at the one before fails verify`, async () => {
    const k = pick()
    await appendEntries(k, 10)
    rmSync(join(k.home, 'audit-witness.json'), {force: true}) // the keyed head alone must catch this
    const [nine] = await raw(k, 'SELECT seq, hash FROM audit_log WHERE seq = 9')
    await raw(k, 'DELETE FROM audit_log WHERE seq = 10')
    await raw(k, 'UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [Number(nine.seq), nine.hash])
    const r = await verifyCli(k)
    assert.is(r.exitCode, 1, r.stdout + r.stderr)
    assert.match(r.stdout, /head/)
    assert.not.match(r.stdout, /intact/)
  })

  test(`${name}: emptying both tables fails verify once a head was witnessed`, async () => {
    const k = pick()
    await appendEntries(k, 3)
    await raw(k, 'DELETE FROM audit_log')
    await raw(k, 'DELETE FROM audit_head')
    const r = await verifyCli(k, '--json')
    assert.is(r.exitCode, 1, r.stdout + r.stderr)
    assert.is(r.json.ok, false)
    assert.is(r.json.entries, 0)
    const texts = r.json.problems.map((p: {problem: string}) => p.problem).join(' | ')
    assert.match(texts, /the log is empty, but entry 3 was seen on/)
    const human = await verifyCli(k)
    assert.is(human.exitCode, 1)
    assert.not.match(human.stdout, /intact/)
  })

  test(`${name}: a replayed older head row passes the key check but not the witness`, async () => {
    const k = pick()
    await appendEntries(k, 4)
    const oldHead = await raw(k, 'SELECT * FROM audit_head_mac')
    const [four] = await raw(k, 'SELECT seq, hash FROM audit_log WHERE seq = 4')
    await appendEntries(k, 3) // entries 5..7, witnessed by confctl
    await raw(k, 'DELETE FROM audit_log WHERE seq > 4')
    await raw(k, 'UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1', [Number(four.seq), four.hash])
    await raw(k, 'UPDATE audit_head_mac SET mac = ? WHERE id = 1', [oldHead[0].mac])
    const r = await verifyCli(k, '--json')
    assert.is(r.exitCode, 1, r.stdout + r.stderr)
    const texts = r.json.problems.map((p: {problem: string}) => p.problem).join(' | ')
    assert.match(texts, /the log ends at entry 4, but entry 7 was seen on/)
  })

  test(`${name}: an anchor kept elsewhere catches a cut the witness no longer can`, async () => {
    const k = pick()
    await appendEntries(k, 2)
    const out = join(k.home, 'anchor-1.json')
    const a = await cli(k.home, ['audit', 'anchor', '--out', out, '--json'], k.env)
    assert.is(a.exitCode, 0, a.stderr)
    assert.is(a.json.anchor.seq, 3, 'the anchor entry itself is anchored')
    assert.is(a.json.out, out)
    const anchor = JSON.parse(readFileSync(out, 'utf8'))
    assert.is(anchor.seq, 3)
    await appendEntries(k, 2)
    const ok = await verifyCli(k, '--anchor', out)
    assert.is(ok.exitCode, 0, ok.stdout + ok.stderr)
    assert.match(ok.stdout, /contains the anchor/)
    // The attacker copies the head of entry 2 (taken before the anchor), cuts the log back to
    // it and removes the witness file: the log is consistent again, only the anchor knows better.
    const [two] = await raw(k, 'SELECT seq, hash FROM audit_log WHERE seq = 2')
    const macs = await k.run(async (ctx) => ctx.key.mac('audit-head', `2\n${two.hash}`))
    await raw(k, 'DELETE FROM audit_log WHERE seq > 2')
    await raw(k, 'UPDATE audit_head SET seq = 2, hash = ? WHERE id = 1', [two.hash])
    await raw(k, 'UPDATE audit_head_mac SET mac = ? WHERE id = 1', [macs])
    rmSync(join(k.home, 'audit-witness.json'))
    const plain = await verifyCli(k)
    assert.is(plain.exitCode, 0, `without the anchor the cut is consistent: ${plain.stdout}`)
    const cut = await verifyCli(k, '--anchor', out, '--json')
    assert.is(cut.exitCode, 1, cut.stdout + cut.stderr)
    const texts = cut.json.problems.map((p: {problem: string}) => p.problem).join(' | ')
    assert.match(texts, /the log ends at entry 2, but the anchor .*anchor-1\.json.* records entry 3/)
  })
}

test('sqlite: a deleted confctl.db is an emptied log once it was witnessed', async () => {
  const k = fresh().find((x) => x.name === 'sqlite')!
  await appendEntries(k, 2)
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(k.home, `confctl.db${suffix}`), {force: true})
  const r = await verifyCli(k, '--json')
  assert.is(r.exitCode, 1, r.stdout + r.stderr)
  assert.match(r.json.problems[0].problem, /the log is empty, but entry 2 was seen on/)
})

test('sqlite: a head written before the seal existed fails verify until audit anchor seals it', async () => {
  const k = fresh().find((x) => x.name === 'sqlite')!
  await appendEntries(k, 2)
  await raw(k, 'DELETE FROM audit_head_mac') // what a store written by an older confctl looks like
  const before = await verifyCli(k)
  assert.is(before.exitCode, 1, before.stdout)
  assert.match(before.stdout, /the head is not sealed with the privacy key/)
  const a = await cli(k.home, ['audit', 'anchor', '--json'], k.env)
  assert.is(a.exitCode, 0, a.stderr)
  const after = await verifyCli(k)
  assert.is(after.exitCode, 0, after.stdout)
  assert.match(after.stdout, /intact: 3 entries/)
})

test('audit anchor refuses to vouch for a broken log (exit 1) and appends nothing', async () => {
  const k = fresh().find((x) => x.name === 'sqlite')!
  await appendEntries(k, 3)
  await raw(k, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
  const a = await cli(k.home, ['audit', 'anchor', '--out', join(k.home, 'x.json')], k.env)
  assert.is(a.exitCode, 1, a.stdout + a.stderr)
  assert.match(a.stderr, /the audit log is broken .* first at entry 2: its content does not match its hash/)
  assert.not.ok(existsSync(join(k.home, 'x.json')))
  const [n] = await raw(k, 'SELECT COUNT(*) AS n FROM audit_log')
  assert.is(Number(n.n), 3)
})

test('audit anchor: a forged, malformed, foreign or missing anchor file is bad input (exit 2)', async () => {
  const k = fresh().find((x) => x.name === 'sqlite')!
  await appendEntries(k, 1)
  const out = join(k.home, 'a.json')
  const a = await cli(k.home, ['audit', 'anchor', '--out', out], k.env)
  assert.is(a.exitCode, 0, a.stderr)
  assert.match(a.stdout, /anchored entry 2/)
  const good = JSON.parse(readFileSync(out, 'utf8'))
  const cases: Array<[string, string, RegExp]> = [
    ['forged.json', JSON.stringify({...good, seq: good.seq + 5}), /signature does not match/],
    ['rehashed.json', JSON.stringify({...good, hash: 'f'.repeat(64)}), /signature does not match/],
    ['notjson.json', 'seq=2', /is not an audit anchor \(not JSON\)/],
    ['fields.json', JSON.stringify({seq: 'two'}), /is not an audit anchor/],
  ]
  for (const [file, text, msg] of cases) {
    writeFileSync(join(k.home, file), text)
    const r = await verifyCli(k, '--anchor', join(k.home, file))
    assert.is(r.exitCode, 2, `${file}: ${r.stdout} ${r.stderr}`)
    assert.match(r.stderr, msg, file)
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr)
  }
  const other = {...k.env, CONFCTL_PRIVACY_KEY: 'ab'.repeat(32)}
  const foreign = await cli(k.home, ['audit', 'verify', '--anchor', out], other)
  assert.is(foreign.exitCode, 2, foreign.stdout + foreign.stderr)
  assert.match(foreign.stderr, /signature does not match/)
  const missing = await verifyCli(k, '--anchor', join(k.home, 'nope.json'))
  assert.is(missing.exitCode, 2)
  assert.match(missing.stderr, /cannot be read/)
  const again = await cli(k.home, ['audit', 'anchor', '--out', out], k.env)
  assert.is(again.exitCode, 2, 'an existing --out is refused')
  assert.match(again.stderr, /already exists/)
  assert.equal(JSON.parse(readFileSync(out, 'utf8')), good, 'the refused anchor left the file alone')
})

test('audit verify --anchor with a file that is not an anchor opens and creates nothing (exit 2)', async () => {
  const base = tempHome('confctl-audit-fresh-')
  const home = join(base, 'home') // does not exist
  writeFileSync(join(base, 'bad.json'), '{"seq": 1}')
  for (const file of [join(base, 'bad.json'), join(base, 'missing.json')]) {
    const r = await cli(home, ['audit', 'verify', '--anchor', file], {})
    assert.is(r.exitCode, 2, r.stdout + r.stderr)
    assert.not.ok(existsSync(home), `created ${existsSync(home) ? readdirSync(home).join(', ') : ''}`)
  }
  rmSync(base, {recursive: true, force: true})
})

test('audit anchor without --out prints the anchor; the head of an empty fresh log is not a problem', async () => {
  const k = fresh().find((x) => x.name === 'sqlite')!
  const v = await verifyCli(k)
  assert.is(v.exitCode, 0, v.stdout + v.stderr)
  const a = await cli(k.home, ['audit', 'anchor'], k.env)
  assert.is(a.exitCode, 0, a.stderr)
  const anchor = JSON.parse(a.stdout)
  assert.is(anchor.seq, 1)
  assert.ok(existsSync(join(k.home, 'audit-witness.json')))
})

test.run()
