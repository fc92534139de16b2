// test-kind: e2e
// Every command a user can run has examples, and no help text points at our source tree
// (users have the built package, not src/). Loads each command class the way oclif does,
// from oclif.manifest.json, so a command missing from either side fails here too.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {root} from './helpers.js'

interface ManifestFlag {
  description?: string
  summary?: string
}
interface ManifestCommand {
  relativePath: string[]
  flags: Record<string, ManifestFlag>
  args: Record<string, {description?: string}>
}
interface CommandClass {
  summary?: string
  description?: string
  examples?: unknown[]
}

const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
  commands: Record<string, ManifestCommand>
}
const ids = Object.keys(manifest.commands).sort()

async function load(id: string): Promise<CommandClass> {
  const mod = (await import(pathToFileURL(join(root, ...manifest.commands[id].relativePath)).href)) as {
    default: CommandClass
  }
  return mod.default
}

test('the manifest has our commands', () => {
  assert.ok(ids.length >= 30, `only ${ids.length} commands`)
})

test('every command has at least one example, each starting with the bin', async () => {
  const without: string[] = []
  for (const id of ids) {
    const cls = await load(id)
    if (!cls.examples?.length) without.push(id)
    for (const ex of cls.examples ?? []) {
      const text = typeof ex === 'string' ? ex : (ex as {command: string}).command
      assert.match(text, /<%= config\.bin %> /, `${id}: example without the bin: ${text}`)
    }
  }
  assert.equal(without, [], `commands without examples: ${without.join(', ')}`)
})

test('no help text cites a source path (src/... or a .ts file)', async () => {
  const offenders: string[] = []
  const check = (where: string, text: string | undefined) => {
    if (text && /(^|[\s("'`])src\/|\b[\w-]+\.tsx?\b/.test(text)) offenders.push(`${where}: ${text.slice(0, 120)}`)
  }
  for (const id of ids) {
    const cls = await load(id)
    check(`${id} summary`, cls.summary)
    check(`${id} description`, cls.description)
    for (const [name, f] of Object.entries(manifest.commands[id].flags)) {
      check(`${id} --${name}`, f.description)
      check(`${id} --${name} summary`, f.summary)
    }
    for (const [name, a] of Object.entries(manifest.commands[id].args)) check(`${id} ${name}`, a.description)
  }
  assert.equal(offenders, [])
})

test.run()
