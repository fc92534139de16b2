// test-kind: e2e
// oclif.manifest.json is what `confctl` loads commands from (bin/run.js): a command file
// that is missing from it silently does not exist for users. Walk src/commands and check.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {root} from './helpers.js'

function commandFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...commandFiles(full))
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(full)
  }
  return out
}

/** src/commands/node/up.ts -> "node:up"; an index file names its directory. */
function commandId(file: string): string {
  const parts = relative(join(root, 'src', 'commands'), file)
    .replace(/\.tsx?$/, '')
    .split(/[\\/]/)
  if (parts.at(-1) === 'index') parts.pop()
  return parts.join(':')
}

test('oclif.manifest.json lists every command file under src/commands', () => {
  const manifestFile = join(root, 'oclif.manifest.json')
  assert.ok(existsSync(manifestFile), 'oclif.manifest.json is missing: run npm run build')
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {commands: Record<string, unknown>}
  const ids = commandFiles(join(root, 'src', 'commands')).map(commandId)
  assert.ok(ids.length > 0)
  const missing = ids.filter((id) => !(id in manifest.commands))
  assert.equal(missing, [], `not in oclif.manifest.json (rebuild with npm run build): ${missing.join(', ')}`)
})

test('the manifest lists no command whose source file is gone', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, unknown>
  }
  const ids = new Set(commandFiles(join(root, 'src', 'commands')).map(commandId))
  const stale = Object.keys(manifest.commands).filter((id) => !ids.has(id))
  assert.equal(stale, [], `in oclif.manifest.json without a source file: ${stale.join(', ')}`)
})

test('the node, room and token commands are there', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, unknown>
  }
  for (const id of [
    'node:up',
    'node:down',
    'node:list',
    'node:status',
    'node:logs',
    'room:list',
    'room:show',
    'room:close',
    'room:kick',
    'token:create',
    'token:revoke',
  ]) {
    assert.ok(id in manifest.commands, id)
  }
})

test.run()
