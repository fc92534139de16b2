// test-kind: e2e
// Every deployment profile in test/fixtures/profiles/ against the real local PostgreSQL,
// MariaDB and Redis plus files: seed, access (zip with manifest), a hold on a parent
// collection (what depends on it is held with it: `heldWith`), erasure, verify, audit
// verify, and the other people's data still there. A service that is down fails the test.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {cli, root, tempHome} from './helpers.js'

const LIST_NAMES = 'import sys, zipfile\nprint("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))'
const profilesDir = join(root, 'test', 'fixtures', 'profiles')
const profiles = readdirSync(profilesDir, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

test('there is one profile per privacy notice', () => {
  assert.is(profiles.length, 5, profiles.join(', '))
})

for (const name of profiles) {
  test(`profile ${name}: access, hold, erase, verify`, async () => {
    const kitMod = await import(pathToFileURL(join(profilesDir, 'seed-kit.mjs')).href)
    const prof = await import(pathToFileURL(join(profilesDir, name, 'seed.mjs')).href)
    const kit = await kitMod.createKit()
    try {
      await prof.seed(kit)
      await kit.close()
      const home = tempHome()
      const datamap = join(profilesDir, name, 'datamap.yaml')
      const run = (args: string[]) => cli(home, args, kit.env)
      const subj = (prof.subject as string[]).flatMap((s) => ['--subject', s])
      // The profile's datamap matches its seeded stores (warnings, e.g. missing indexes, allowed).
      const check = await run(['datamap', 'check', '--datamap', datamap, '--json'])
      assert.is(check.exitCode, 0, check.stdout + check.stderr)

      const acc = await run(['dsar', 'open', '--type', 'access', ...subj, '--datamap', datamap, '--json'])
      assert.is(acc.exitCode, 0, acc.stderr)
      const zip = join(home, 'answer.zip')
      const exp = await run(['dsar', 'access', acc.json.id, '--out', zip, '--json'])
      assert.is(exp.exitCode, 0, exp.stderr)
      assert.ok(existsSync(zip))
      // The archive as an independent reader sees it: every CRC checks, and it holds exactly the listed files.
      const zipTest = spawnSync('python3', ['-m', 'zipfile', '-t', zip], {encoding: 'utf8'})
      assert.is(zipTest.status, 0, zipTest.stderr)
      const names = spawnSync('python3', ['-c', LIST_NAMES, zip], {encoding: 'utf8'}).stdout.trim().split('\n')
      assert.equal(
        names.sort(),
        exp.json.files
          .map((f: {path: string}) => f.path)
          .concat('manifest.json')
          .sort(),
      )
      assert.ok(exp.json.files.some((f: {path: string}) => f.path === 'summary.txt'))
      assert.ok(
        exp.json.stores.reduce((n: number, s: {records: number}) => n + s.records, 0) > 0,
        'something was found',
      )

      const er = await run(['dsar', 'open', '--type', 'erasure', ...subj, '--datamap', datamap, '--json'])
      const id = er.json.id
      const hold = await run([
        'hold',
        'add',
        '--store',
        prof.hold.store,
        '--collection',
        prof.hold.collection,
        '--reason',
        prof.hold.reason,
        '--datamap',
        datamap,
        '--json',
      ])
      assert.is(hold.exitCode, 0, hold.stderr)
      const plan = await run(['dsar', 'erase', id, '--json'])
      assert.is(plan.exitCode, 0, plan.stderr)
      assert.ok(
        plan.json.stores.some((s: any) =>
          s.collections.some((c: any) => s.store === prof.hold.store && c.kept?.hold === hold.json.id),
        ),
        'the hold shows in the plan',
      )
      // The hold reaches what depends on the held records, and the plan says so.
      const planned = (id: string) => {
        const [store, collection] = id.split('/')
        return plan.json.stores
          .find((s: any) => s.store === store)
          ?.collections.find((c: any) => c.collection === collection)
      }
      assert.ok((prof.heldWith as string[]).length > 0, 'the profile names what its hold reaches')
      for (const c of prof.heldWith as string[])
        assert.ok(
          planned(c)?.kept?.hold === hold.json.id || planned(c)?.keptRecords?.some((k: any) => k.hold === hold.json.id),
          `${c} is kept with the hold: ${JSON.stringify(planned(c))}`,
        )
      const exec = await run(['dsar', 'erase', id, '--execute', '--json'])
      assert.is(exec.exitCode, 0, exec.stderr + exec.stdout)
      assert.is(exec.json.status, 'done')
      const ver = await run(['dsar', 'verify', id, '--json'])
      assert.is(ver.exitCode, 0, ver.stdout)
      assert.ok(
        ver.json.stores.some((s: any) => s.kept.some((k: any) => k.reason === prof.hold.reason)),
        'held items are listed as kept',
      )
      for (const c of prof.heldWith as string[])
        assert.ok(
          ver.json.stores.some((s: any) => s.kept.some((k: any) => `${s.store}/${k.collection}` === c)),
          `verify lists ${c} as kept`,
        )
      assert.ok(await prof.otherIntact(kit), 'the other subjects are untouched')

      // Releasing the hold lets a rerun erase what it kept.
      await run(['hold', 'release', hold.json.id])
      const again = await run(['dsar', 'erase', id, '--execute', '--json'])
      assert.is(again.exitCode, 0, again.stderr)
      const ver2 = await run(['dsar', 'verify', id, '--json'])
      assert.is(ver2.exitCode, 0, ver2.stdout)
      assert.is(ver2.json.stores.flatMap((s: any) => s.kept).filter((k: any) => k.hold).length, 0)
      const audit = await run(['audit', 'verify', '--json'])
      assert.is(audit.exitCode, 0, audit.stdout)
      assert.ok(audit.json.ok)
    } finally {
      await kit.close()
      await kit.destroy()
    }
  })
}

test.run()
