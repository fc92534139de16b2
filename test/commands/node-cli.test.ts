// test-kind: e2e
// End to end through the real CLI and the real SFU node (dist/src/sfu/main.js):
// node up -> list -> room list -> token -> room show unknown -> node down -> status of a down node.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {execa} from 'execa'
import {bin, cli, killAll, processesMentioning, randomRtcRange, root} from './helpers.js'
import {until} from '../helpers/until.js'

const home = mkdtempSync(join(tmpdir(), 'confctl-cli-'))
const run = (...args: string[]) => cli(home, args)

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n')
  assert.is(lines.length, 1, `expected one line on stderr, got:\n${stderr}`)
  assert.match(lines[0], /^confctl: /)
  assert.not.match(stderr, /\s+at .+:\d+:\d+/) // no stack trace
  return lines[0]
}

test.after(async () => {
  // Stop what the tests started, the polite way first, then anything still mentioning our home.
  for (const name of ['itest', 'fg', 'second', 'local']) await run('node', 'down', name, '--timeout', '5s')
  killAll(processesMentioning(home))
  rmSync(home, {recursive: true, force: true})
})

test('the SFU node program is built', () => {
  assert.ok(existsSync(join(root, 'dist', 'src', 'sfu', 'main.js')), 'run npm run build first')
})

let upPid = 0

test('node up starts a node and records it', async () => {
  const r = await run(
    'node',
    'up',
    '--name',
    'itest',
    '--port',
    '0',
    '--admin-port',
    '0',
    '--rtc-ports',
    randomRtcRange(),
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  const up = JSON.parse(r.stdout)
  assert.is(up.name, 'itest')
  assert.ok(up.pid > 0)
  assert.match(up.publicUrl, /^http:\/\/.+:\d+$/)
  assert.match(up.adminUrl, /^http:\/\/127\.0\.0\.1:\d+$/)
  assert.is(up.health, 'ok')
  upPid = up.pid
  const yaml = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  assert.match(yaml, /name: itest/)
  assert.ok(yaml.includes(`adminUrl: ${up.adminUrl}`))
  assert.is(readFileSync(join(home, 'nodes', 'itest', 'node.pid'), 'utf8').trim(), String(up.pid))
})

test('a second node up of the same name is refused (exit 2, one sentence)', async () => {
  const r = await run('node', 'up', '--name', 'itest', '--port', '0', '--admin-port', '0')
  assert.is(r.exitCode, 2)
  assert.ok(oneLine(r.stderr).includes(`node 'itest' is already running (pid ${upPid}`))
  assert.is(r.stdout, '')
})

test('node list --json shows it up', async () => {
  const r = await run('node', 'list', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const {nodes} = JSON.parse(r.stdout)
  assert.is(nodes.length, 1)
  assert.equal(
    {name: nodes[0].name, state: nodes[0].state, pid: nodes[0].pid, health: nodes[0].health},
    {name: 'itest', state: 'up', pid: upPid, health: 'ok'},
  )
  const human = await run('node', 'list')
  assert.match(human.stdout, /^NAME\s+KIND\s+STATE/)
  assert.match(human.stdout, /itest\s+local\s+up/)
})

test('node status --json (the only node is the default)', async () => {
  const r = await run('node', 'status', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const s = JSON.parse(r.stdout)
  assert.is(s.state, 'up')
  assert.is(s.info.name, 'itest')
  assert.type(s.info.counts.rooms, 'number')
})

test('room list --json on a fresh node is empty', async () => {
  const r = await run('room', 'list', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout), {node: 'itest', rooms: []})
})

test('token create --json returns a JWT with the requested lifetime', async () => {
  const before = Date.now()
  const r = await run(
    'token',
    'create',
    '--room',
    'standup',
    '--identity',
    'alice@example.org',
    '--name',
    'Alice',
    '--ttl',
    '15m',
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  const t = JSON.parse(r.stdout)
  assert.equal(Object.keys(t).sort(), ['expiresAt', 'grants', 'identity', 'jti', 'room', 'token'])
  assert.equal(t.grants, {publish: true, subscribe: true, maxSessions: 2})
  assert.is(t.room, 'standup')
  assert.is(t.identity, 'alice@example.org')
  assert.is(t.token.split('.').length, 3)
  const ttl = (Date.parse(t.expiresAt) - before) / 1000
  assert.ok(ttl > 14 * 60 && ttl < 16 * 60, `expiresAt ${t.expiresAt} should be ~15 min away`)
  const human = await run('token', 'create', '--room', 'standup', '--identity', 'bob')
  assert.is(human.stdout.trim().split('.').length, 3, 'human mode: the token alone on stdout')
})

test('token create grants and token revoke: the node lists the revoked jti', async () => {
  const r = await run(
    'token',
    'create',
    '--room',
    'standup',
    '--identity',
    'viewer',
    '--no-publish',
    '--max-sessions',
    '1',
    '--json',
  )
  assert.is(r.exitCode, 0, r.stderr)
  const t = JSON.parse(r.stdout)
  assert.equal(t.grants, {publish: false, subscribe: true, maxSessions: 1})
  const claims = JSON.parse(Buffer.from(t.token.split('.')[1], 'base64url').toString())
  assert.equal([claims.jti, claims.grants], [t.jti, t.grants])
  const human = await run('token', 'revoke', t.jti, '--node', 'itest')
  assert.is(human.exitCode, 0, human.stderr)
  assert.ok(human.stdout.includes(`token ${t.jti} is revoked on node 'itest'`), human.stdout)
  const again = await run('token', 'revoke', t.jti, '--json')
  assert.is(again.exitCode, 0, again.stderr)
  assert.is(JSON.parse(again.stdout).jti, t.jti)
  for (const [args, sentence] of [
    [['--max-sessions', '0'], "--max-sessions must be a whole number from 1 to 100, got '0'."],
    [['--no-publish', '--no-subscribe'], '--no-publish and --no-subscribe together'],
  ] as const) {
    const bad = await run('token', 'create', '--room', 'r', '--identity', 'i', ...args)
    assert.is(bad.exitCode, 2)
    assert.ok(oneLine(bad.stderr).includes(sentence), bad.stderr)
  }
})

test('room show / close / kick of an unknown room: exit 2, one sentence, nothing on stdout', async () => {
  for (const args of [
    ['room', 'show', 'nosuchroom', '--json'],
    ['room', 'close', 'nosuchroom'],
    ['room', 'kick', 'nosuchroom', 'p1'],
  ]) {
    const r = await run(...args)
    assert.is(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.is(r.stdout, '')
    assert.ok(oneLine(r.stderr).includes("room 'nosuchroom' does not exist on node 'itest'"), r.stderr)
  }
})

test('node logs -n --json returns the end of node.log', async () => {
  const r = await run('node', 'logs', 'itest', '-n', '3', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const l = JSON.parse(r.stdout)
  assert.is(l.name, 'itest')
  assert.ok(Array.isArray(l.lines) && l.lines.length > 0 && l.lines.length <= 3)
})

test('node logs -f follows new lines until SIGINT (exit 0)', async () => {
  const log = join(home, 'nodes', 'itest', 'node.log')
  const sub = execa(process.execPath, [bin, 'node', 'logs', 'itest', '-n', '0', '-f'], {
    cwd: root,
    env: {CONFCTL_HOME: home},
    reject: false,
  })
  // Following starts at the end of node.log as the command finds it: append a numbered line
  // until one is printed (so following has begun, and Ctrl-C is its to handle), not after a sleep.
  let out = ''
  sub.stdout!.on('data', (c: Buffer) => (out += c.toString()))
  let n = 0
  await until(
    'a line appended by the test to be followed',
    () => {
      writeFileSync(log, readFileSync(log, 'utf8') + `a line appended by the test (${++n})\n`)
      return out.includes('a line appended by the test')
    },
    30_000,
    200,
  )
  sub.kill('SIGINT')
  const r = await sub
  assert.is(r.exitCode, 0, String(r.stderr))
  assert.ok(String(r.stdout).includes('a line appended by the test'), String(r.stdout))
})

test('node down stops it and removes the pidfile', async () => {
  const r = await run('node', 'down', 'itest', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  const d = JSON.parse(r.stdout)
  assert.equal({wasRunning: d.wasRunning, pid: d.pid, forced: d.forced}, {wasRunning: true, pid: upPid, forced: false})
  assert.not.ok(existsSync(join(home, 'nodes', 'itest', 'node.pid')))
  assert.equal(processesMentioning(join(home, 'nodes', 'itest')), [])
})

test('a down node: status and room list exit 3 with one sentence; list says down', async () => {
  const s = await run('node', 'status', 'itest', '--json')
  assert.is(s.exitCode, 3)
  assert.is(s.stdout, '')
  assert.ok(oneLine(s.stderr).includes("node 'itest' is down"))
  const rl = await run('room', 'list')
  assert.is(rl.exitCode, 3)
  oneLine(rl.stderr)
  const l = await run('node', 'list', '--json')
  assert.is(JSON.parse(l.stdout).nodes[0].state, 'down')
  // Down again is not an error.
  assert.is((await run('node', 'down', 'itest')).exitCode, 0)
})

test('node up --name N alone restarts the recorded node with its recorded settings', async () => {
  const r = await run('node', 'up', '--name', 'itest', '--json')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(JSON.parse(r.stdout).name, 'itest')
  assert.is((await run('node', 'down', 'itest')).exitCode, 0)
})

test('bad flags: exit 2, one line on stderr, fleet.yaml untouched', async () => {
  const before = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  const cases: [string[], string][] = [
    [
      ['node', 'up', '--name', 'x', '--rtc-ports', '5-3'],
      "--rtc-ports must be a range X-Y with 1024 <= X <= Y <= 65535, got '5-3'",
    ],
    // below 1024: the node refuses it, so the CLI must too (it used to write the entry and exit 3)
    [
      ['node', 'up', '--name', 'x', '--rtc-ports', '500-600'],
      "--rtc-ports must be a range X-Y with 1024 <= X <= Y <= 65535, got '500-600'",
    ],
    [['node', 'up', '--name', 'x', '--rtc-ports', 'lots'], '--rtc-ports must be a port range'],
    [['node', 'up', '--name', 'x', '--port', 'abc'], "--port must be a port number from 0 to 65535, got 'abc'"],
    [['node', 'up', '--name', 'x', '--admin-port', '70000'], '--admin-port'],
    [['node', 'up', '--name', 'x', '--announce-ip', 'not-an-ip'], '--announce-ip'],
    [['node', 'up', '--name', 'bad/name'], '--name'],
    [['node', 'up', '--bogus'], '--bogus'],
    [['node', 'logs', 'itest', '-n', 'many'], '--lines'],
    [
      ['token', 'create', '--room', 'r', '--identity', 'i', '--ttl', '3w'],
      "--ttl must be a duration of at most 7d like 500ms, 10s, 5m, 1h or 7d (a bare number means seconds), got '3w'",
    ],
    [['token', 'create', '--room', 'r'], ''],
    [['room', 'show'], ''],
    [['room', 'list', '--node', 'nosuchnode'], "no node named 'nosuchnode'"],
    [['node', 'down', 'nosuchnode'], "no node named 'nosuchnode'"],
  ]
  for (const [args, fragment] of cases) {
    const r = await run(...args)
    assert.is(r.exitCode, 2, `${args.join(' ')} -> ${r.exitCode}: ${r.stderr}`)
    assert.is(r.stdout, '', args.join(' '))
    assert.ok(oneLine(r.stderr).includes(fragment), `${args.join(' ')}: ${r.stderr}`)
  }
  assert.is(readFileSync(join(home, 'fleet.yaml'), 'utf8'), before)
})

test('a port in use: exit 2 naming the flag, fleet.yaml untouched', async () => {
  const before = readFileSync(join(home, 'fleet.yaml'), 'utf8')
  const {createServer} = await import('node:net')
  const blocker = createServer()
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r))
  const port = (blocker.address() as {port: number}).port
  try {
    const r = await run('node', 'up', '--name', 'second', '--port', '0', '--admin-port', String(port))
    assert.is(r.exitCode, 2)
    assert.ok(
      oneLine(r.stderr).includes(`127.0.0.1:${port} is already in use; choose another with --admin-port`),
      r.stderr,
    )
  } finally {
    blocker.close()
  }
  assert.is(readFileSync(join(home, 'fleet.yaml'), 'utf8'), before)
})

test('foreground --json: only JSON on stdout, Ctrl-C stops the node, exit 0', async () => {
  const sub = execa(
    process.execPath,
    [
      bin,
      'node',
      'up',
      '--name',
      'fg',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--rtc-ports',
      randomRtcRange(),
      '--foreground',
      '--json',
    ],
    {cwd: root, env: {CONFCTL_HOME: home}, reject: false},
  )
  let out = ''
  sub.stdout!.on('data', (c) => (out += c))
  const deadline = Date.now() + 30_000
  let up: {pid: number} | undefined
  while (!up && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    try {
      up = JSON.parse(out)
    } catch {}
  }
  assert.ok(up, `no JSON from foreground node up: ${out}`)
  const list = JSON.parse((await run('node', 'list', '--json')).stdout)
  assert.is(list.nodes.find((n: {name: string}) => n.name === 'fg').state, 'up')
  sub.kill('SIGINT')
  const r = await sub
  assert.is(r.exitCode, 0, String(r.stderr))
  JSON.parse(String(r.stdout)) // still exactly one JSON document
  assert.not.ok(existsSync(join(home, 'nodes', 'fg', 'node.pid')))
  assert.equal(processesMentioning(join(home, 'nodes', 'fg')), [])
})

test('with two nodes, room commands need --node', async () => {
  const r = await run('room', 'list')
  assert.is(r.exitCode, 2)
  assert.ok(oneLine(r.stderr).includes('choose one with --node'), r.stderr)
})

test('a broken fleet.yaml: every command says file, line and key (exit 2)', async () => {
  const file = join(home, 'fleet.yaml')
  const good = readFileSync(file, 'utf8')
  try {
    writeFileSync(file, good.replace(/adminPort: 0/, 'adminPort: lots'))
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('adminPort: lots')) + 1
    for (const args of [
      ['node', 'list'],
      ['room', 'list', '--node', 'itest'],
      ['node', 'up'],
    ]) {
      const r = await run(...args)
      assert.is(r.exitCode, 2, args.join(' '))
      const msg = oneLine(r.stderr)
      assert.ok(msg.includes(`${file}, line ${line}: nodes[`) && msg.includes('.adminPort'), msg)
    }
  } finally {
    writeFileSync(file, good)
  }
})

test('no node process is left behind', () => {
  assert.equal(processesMentioning(join(home, 'nodes')), [])
})

test.run()
