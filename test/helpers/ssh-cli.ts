// Shared by the ssh tests: the built CLI with an isolated $CONFCTL_HOME, one-sentence error
// checks, a rebuilt node bundle, and the cleanup of node processes a test left running.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import * as assert from 'uvu/assert'
import {cli, root, type CliResult} from '../commands/helpers.js'

export {bin, cli, killAll, processesMentioning, randomRtcRange, root} from '../commands/helpers.js'

export const bundleDir = join(root, 'dist', 'node-bundle')

export function oneLine(r: CliResult): string {
  const lines = r.stderr.trim().split('\n')
  assert.is(lines.length, 1, `expected one line on stderr, got:\n${r.stderr}`)
  assert.match(lines[0]!, /^confctl: /)
  assert.not.match(r.stderr, /\s+at .+:\d+:\d+/)
  return lines[0]!
}

/** `node scripts/bundle-node.js --version V --out DIR`: the same source, another version. */
export function buildBundle(version: string, out: string): {version: string; dir: string; sha256: string} {
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle-node.js'), '--version', version, '--out', out], {
    stdio: 'pipe',
  })
  const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'))
  return {version: m.version, dir: out, sha256: m.sha256}
}

/** A "bundle" that exits at once: its node never becomes healthy. */
export function brokenBundle(out: string, version = '0.0.0-broken'): string {
  mkdirSync(out, {recursive: true})
  const file = `confctl-node-${version}.mjs`
  const code = "process.stderr.write('confctl-node: broken test bundle\\n'); process.exit(7)\n"
  writeFileSync(join(out, file), code)
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify({format: 1, version, file, sha256: createHash('sha256').update(code).digest('hex')}),
  )
  return out
}

export {type CliResult}
export const runCli = cli
