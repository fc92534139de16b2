// test-kind: e2e
// The habits users bring from other CLIs, checked through the built bin: "did you mean" for a
// typo, `help` and `-h`, `version`, shell completion. Each runs in its own $CONFCTL_HOME
// and cache dir so nothing lands in the real home.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {cli, root} from './helpers.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-habits-'))
const cache = mkdtempSync(join(tmpdir(), 'confctl-habits-cache-'))
const run = (...args: string[]) =>
  cli(home, args, {
    env: {CONFCTL_HOME: home, XDG_CACHE_HOME: cache, XDG_CONFIG_HOME: home, FORCE_COLOR: '0', NO_COLOR: '1'},
  })
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string}

test.after(() => {
  rmSync(home, {recursive: true, force: true})
  rmSync(cache, {recursive: true, force: true})
})

test('a mistyped command suggests the nearest one, in one line, exit 2', async () => {
  for (const [typed, meant] of [
    [['nod', 'list'], 'confctl node list'],
    [['node', 'lst'], 'confctl node list'],
    [['rom', 'show', 'lobby'], 'confctl room show'],
  ] as const) {
    const r = await run(...typed)
    assert.is(r.exitCode, 2, `${typed.join(' ')}: ${r.stderr}`)
    const lines = r.stderr.trim().split('\n')
    assert.is(lines.length, 1, r.stderr)
    assert.match(lines[0], `did you mean \`${meant}\`?`)
    assert.is(r.stdout, '')
  }
})

test('a word close to nothing gets no suggestion, still exit 2', async () => {
  const r = await run('qqqqqqqqqq')
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, /'qqqqqqqqqq' is not a confctl command \(see `confctl help`/)
  assert.not.match(r.stderr, /did you mean/)
})

test('confctl help lists topics and commands; help <command> shows its usage', async () => {
  const all = await run('help')
  assert.is(all.exitCode, 0, all.stderr)
  for (const word of ['TOPICS', 'node', 'dsar', 'COMMANDS', 'top', 'version']) assert.match(all.stdout, word)
  const one = await run('help', 'node', 'up')
  assert.is(one.exitCode, 0, one.stderr)
  assert.match(one.stdout, '$ confctl node up')
  assert.match(one.stdout, '--rtc-ports')
})

test('-h works on every command the manifest lists', async () => {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, unknown>
  }
  const ids = Object.keys(manifest.commands)
  assert.ok(ids.length > 20, `only ${ids.length} commands in the manifest`)
  // A few at a time: each is a Node start-up on a loaded machine.
  for (let i = 0; i < ids.length; i += 6) {
    await Promise.all(
      ids.slice(i, i + 6).map(async (id) => {
        const words = id.split(':')
        const r = await run(...words, '-h')
        assert.is(r.exitCode, 0, `${words.join(' ')} -h: ${r.stderr}`)
        assert.match(r.stdout, `$ confctl ${words.join(' ')}`, `${words.join(' ')} -h printed no usage`)
      }),
    )
  }
})

test('confctl version, --version and -v print the package version', async () => {
  for (const args of [['version'], ['--version'], ['-v']]) {
    const r = await run(...args)
    assert.is(r.exitCode, 0, r.stderr)
    assert.match(r.stdout, `confctl/${pkg.version} `)
  }
})

test('shell completion: the bash and zsh scripts name confctl, and the cache knows our commands', async () => {
  for (const shell of ['bash', 'zsh']) {
    const r = await run('autocomplete', 'script', shell)
    assert.is(r.exitCode, 0, r.stderr)
    assert.match(r.stdout, 'CONFCTL_AC_')
  }
  const setup = await run('autocomplete', 'bash', '--refresh-cache')
  assert.is(setup.exitCode, 0, setup.stderr)
  // The bash function lists command ids with oclif's colon separator.
  const text = readFileSync(join(cache, 'confctl', 'autocomplete', 'functions', 'bash', 'confctl.bash'), 'utf8')
  for (const id of ['node:up', 'dsar:access', 'room:show']) assert.match(text, id)
})

test('without CONFCTL_HOME the state lives in $XDG_CONFIG_HOME/confctl', async () => {
  const xdg = mkdtempSync(join(tmpdir(), 'confctl-xdg-'))
  try {
    const r = await cli(home, ['node', 'list'], {
      env: {CONFCTL_HOME: '', XDG_CONFIG_HOME: xdg, XDG_CACHE_HOME: cache, NO_COLOR: '1'},
    })
    assert.is(r.exitCode, 0, r.stderr)
    assert.match(r.stdout, `no nodes in ${join(xdg, 'confctl', 'fleet.yaml')}`)
  } finally {
    rmSync(xdg, {recursive: true, force: true})
  }
})

test("--json is oclif's: every command has it, and CONFCTL_CONTENT_TYPE=json asks for the same JSON", async () => {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, {enableJsonFlag?: boolean; flags: Record<string, unknown>}>
  }
  for (const [id, c] of Object.entries(manifest.commands)) {
    assert.ok(c.enableJsonFlag, `${id} does not enable oclif's JSON flag`)
    assert.ok(c.flags.json, `${id} has no --json`)
  }
  const flag = await run('node', 'list', '--json')
  const env = await cli(home, ['node', 'list'], {
    env: {CONFCTL_HOME: home, XDG_CACHE_HOME: cache, CONFCTL_CONTENT_TYPE: 'json', NO_COLOR: '1'},
  })
  assert.is(flag.exitCode, 0, flag.stderr)
  assert.is(env.exitCode, 0, env.stderr)
  assert.equal(JSON.parse(env.stdout), {nodes: []})
  assert.is(env.stdout, flag.stdout)
})

test.run()
