// test-kind: e2e
// The import graph of src/ has no cycles and keeps DESIGN.md's layering (sfu/ imports only
// api/, qoe/, units.ts; api/ nothing else from src/; tui/ not cli/; privacy/ not fleet/ ...;
// the rules are LAYER_RULES in the script).
// It runs scripts/check-imports.js as CI does, on the real tree and on small trees written
// here that contain a cycle and an upward import, so the check is shown to fail when it must.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {test} from 'uvu'
import * as assert from 'uvu/assert'

const ROOT = new URL('../..', import.meta.url).pathname
const SCRIPT = join(ROOT, 'scripts', 'check-imports.js')

function check(root?: string): {status: number | null; problems: string[]; summary: string} {
  const run = spawnSync(process.execPath, [SCRIPT, ...(root ? ['--root', root] : [])], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  const lines = run.stdout.trim().split('\n')
  return {status: run.status, problems: lines.slice(0, -1), summary: lines.at(-1) ?? ''}
}

/** Writes a throwaway src/ tree from path -> source and returns its directory. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'confctl-imports-'))
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), source)
  }
  return dir
}

test('src/ has no import cycle and no upward import', () => {
  const result = check()
  assert.equal(result.problems, [], result.summary)
  assert.is(result.status, 0)
  assert.match(result.summary, /^\d{3,} files, /, 'the whole tree was read')
})

test('a file cycle fails, named with its files, including through a type-only import', () => {
  const dir = tree({
    'fleet/a.ts': "import {b} from './b.js'\nexport const a = () => b\n",
    'fleet/b.ts': "import type {C} from './c.js'\nexport const b = 1 as unknown as C\n",
    'fleet/c.ts': "export type C = number\nexport {a} from './a.js'\n",
    'fleet/d.ts': "export const d = () => import('./a.js')\n",
  })
  try {
    const result = check(dir)
    assert.is(result.status, 1)
    assert.equal(result.problems, ['cycle: fleet/a.ts <-> fleet/b.ts <-> fleet/c.ts'])
    assert.is(result.summary, '4 files, 1 cycles, 0 layer cycles, 0 layering violations')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a folder cycle and upward imports fail, each naming the rule it breaks', () => {
  const dir = tree({
    'api/node-api.ts': "import {x} from '../qoe/x.js'\nexport const y = x\n",
    'qoe/x.ts': "import type {S} from '../sfu/s.js'\nexport const x = 1 as unknown as S\n",
    'sfu/s.ts':
      "import {x} from '../qoe/x.js'\nimport {p} from '../fleet/paths.js'\nexport type S = typeof x | typeof p\n",
    'fleet/paths.ts': 'export const p = 2\n',
    'tui/view.tsx': "import {t} from '../cli/text-table.js'\nexport const v = t\n",
    'cli/text-table.ts': 'export const t = 3\n',
    'privacy/context.ts': "import {p} from '../fleet/paths.js'\nexport const c = p\n",
  })
  try {
    const result = check(dir)
    assert.is(result.status, 1)
    assert.equal(result.problems, [
      'cycle: qoe/x.ts <-> sfu/s.ts',
      'layer cycle: qoe <-> sfu',
      'layering: api/node-api.ts -> qoe/x.ts (api/ imports nothing else from src/)',
      'layering: privacy/context.ts -> fleet/paths.ts (privacy/ may import only store, api, units.ts, errors.ts)',
      'layering: qoe/x.ts -> sfu/s.ts (qoe/ may import only api, units.ts, errors.ts)',
      'layering: sfu/s.ts -> fleet/paths.ts (sfu/ may import only api, qoe, coord, units.ts, errors.ts)',
      'layering: tui/view.tsx -> cli/text-table.ts (tui/ must not import sfu, cli, client, privacy, commands, hooks)',
    ])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('a clean tree passes', () => {
  const dir = tree({
    'api/node-api.ts': 'export type N = number\n',
    'sfu/main.ts': "import type {N} from '../api/node-api.js'\nexport const n: N = 1\n",
    'fleet/client.ts':
      "import type {N} from '../api/node-api.js'\nimport {n} from '../sfu/main.js'\nexport const m: N = n\n",
  })
  try {
    const result = check(dir)
    // fleet/ importing sfu/ runtime code is an upward import too; without it the tree is clean.
    assert.equal(result.problems, [
      'layering: fleet/client.ts -> sfu/main.ts (fleet/ must not import sfu, cli, tui, client, privacy, commands, hooks)',
    ])
    writeFileSync(join(dir, 'fleet/client.ts'), "import type {N} from '../api/node-api.js'\nexport const m: N = 1\n")
    const clean = check(dir)
    assert.is(clean.status, 0)
    assert.equal(clean.problems, [])
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test.run()
