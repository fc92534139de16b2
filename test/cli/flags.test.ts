// test-kind: e2e
// The flag kinds of src/cli/flags.ts: each parsed by oclif's own parser as a command's flags
// are (values, defaults, bounds), a bad value a BadInputError with one sentence naming the
// flag; then through the built CLI, that every duration flag takes `10s` and a bad value of
// each kind exits 2 with one line on stderr before the command does anything.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Parser} from '@oclif/core'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {dayFlag, durationFlag, portFlag, portRangeFlag, sizeFlag} from '../../src/cli/flags.js'
import {BadInputError} from '../../src/errors.js'
import {cli} from '../commands/helpers.js'

const flags = {
  wait: durationFlag({description: 'ms'}),
  every: durationFlag({description: 'ms, bounded, defaulted', default: '1s', bounds: {minMs: 100, maxMs: 3_600_000}}),
  ttl: durationFlag({description: 'whole seconds', unit: 's'}),
  stop: durationFlag({description: 'seconds, 0 allowed', unit: 's', default: '0', bounds: {minMs: 0}}),
  port: portFlag({description: 'port'}),
  'ssh-port': portFlag({description: 'port, not 0', allowZero: false}),
  'rtc-ports': portRangeFlag({description: 'range'}),
  size: sizeFlag({description: 'size', default: '10MB'}),
  until: dayFlag({description: 'day'}),
}

async function parse(...argv: string[]) {
  return (await Parser.parse(argv, {flags, strict: true})).flags
}

async function refused(argv: string[], ...fragments: string[]): Promise<void> {
  try {
    await parse(...argv)
  } catch (err) {
    assert.instance(err, BadInputError, `${argv.join(' ')}: ${(err as Error).message}`)
    const message = (err as Error).message
    assert.not.match(message, /\n/, `one line: ${message}`)
    assert.ok(message.startsWith(`${argv[0]} must be `), `names the flag: ${message}`)
    for (const f of fragments) assert.ok(message.includes(f), `"${message}" should include "${f}"`)
    return
  }
  assert.unreachable(`${argv.join(' ')} should be refused`)
}

test('defaults apply, as typed in the help', async () => {
  const f = await parse()
  assert.is(f.every, 1000)
  assert.is(f.stop, 0)
  assert.is(f.size, 10 * 1024 * 1024)
  assert.is(f.wait, undefined)
  assert.is(f['rtc-ports'], undefined)
})

test('durations: each spelling, in the unit the command asked for', async () => {
  const cases: Array<[string, string, number]> = [
    ['--wait', '500ms', 500],
    ['--wait', '10s', 10_000],
    ['--wait', '5m', 300_000],
    ['--wait', '2', 2000],
    ['--every', '250ms', 250],
    ['--ttl', '10s', 10],
    ['--ttl', '1h', 3600],
    ['--ttl', '7d', 604_800],
    ['--ttl', '30', 30],
    ['--stop', '0', 0],
    ['--stop', '5s', 5],
  ]
  for (const [flag, value, expected] of cases) {
    const f = (await parse(flag, value)) as Record<string, unknown>
    assert.is(f[flag.slice(2)], expected, `${flag} ${value}`)
  }
})

test('durations: bad values refused with the flag and the value', async () => {
  await refused(['--wait', '10x'], "'10x'")
  await refused(['--wait', '0'], "'0'")
  await refused(['--every', '50ms'], 'from 100ms to 1h', "'50ms'")
  await refused(['--every', '5000'], 'from 100ms to 1h', "'5000'")
  await refused(['--ttl', '500ms'], 'whole number of seconds', "'500ms'")
  await refused(['--stop', '-1'], "'-1'")
})

test('ports, port ranges, sizes, days', async () => {
  const f = await parse('--port', '0', '--ssh-port', '22', '--rtc-ports', '40000-40199', '--size', '512kb')
  assert.is(f.port, 0)
  assert.is(f['ssh-port'], 22)
  assert.is(f['rtc-ports'], '40000-40199')
  assert.is(f.size, 512 * 1024)
  assert.is((await parse('--rtc-ports', ' 5000 - 5001 '))['rtc-ports'], '5000-5001')
  await refused(['--port', '65536'], 'port number from 0 to 65535', "'65536'")
  await refused(['--ssh-port', '0'], 'from 1 to 65535')
  await refused(['--rtc-ports', '500-600'], '1024 <= X <= Y <= 65535', "'500-600'")
  await refused(['--rtc-ports', 'lots'], 'like 40000-40199')
  await refused(['--size', '10'], 'at least 1KB', "'10'")
  assert.is((await parse('--until', '2026-12-31')).until?.toISOString(), '2026-12-31T00:00:00.000Z')
  await refused(['--until', '2026-02-30'], 'a date like 2025-12-31', "'2026-02-30'")
})

// Through the built CLI: one run per command and flag kind, each refused at parse time
// (nothing to reach, nothing written), and the accepted `10s` spellings get past the parser.
const home = mkdtempSync(join(tmpdir(), 'confctl-flags-'))

test('CLI: bad values of each kind exit 2 with one sentence on stderr', async () => {
  const cases: Array<[string[], string]> = [
    [
      ['smoke', '--duration', 'ten'],
      "--duration must be a duration like 500ms, 10s, 5m, 1h or 7d (a bare number means seconds), got 'ten'.",
    ],
    [['demo', '--interval', '5000'], '--interval must be a duration from 100ms to 1h'],
    [['demo', '--duration', '5x'], '--duration must be a duration (0 for none)'],
    [['qoe', 'inspect', '--duration', '1.5s'], '--duration must be a whole number of seconds'],
    [['token', 'create', '--room', 'r', '--identity', 'i', '--ttl', '8d'], '--ttl must be a duration of at most 7d'],
    [['top', '--interval', '10ms'], '--interval must be a duration from 100ms to 1h'],
    [['node', 'up', '--name', 'x', '--port', '70000'], "--port must be a port number from 0 to 65535, got '70000'."],
    [
      ['node', 'up', '--name', 'x', '--rtc-ports', '500-600'],
      "--rtc-ports must be a range X-Y with 1024 <= X <= Y <= 65535, got '500-600'.",
    ],
    [['node', 'down', 'x', '--timeout', 'soon'], '--timeout must be a duration'],
    [
      ['hold', 'add', '--store', 's', '--reason', 'r', '--until', '2026-02-30'],
      "--until must be a date like 2025-12-31, got '2026-02-30'.",
    ],
  ]
  for (const [args, sentence] of cases) {
    const r = await cli(home, args)
    assert.is(r.exitCode, 2, `${args.join(' ')} -> ${r.exitCode}: ${r.stderr}`)
    assert.is(r.stdout, '', args.join(' '))
    const lines = r.stderr.trim().split('\n')
    assert.is(lines.length, 1, `${args.join(' ')}: ${r.stderr}`)
    assert.ok(lines[0]!.startsWith(`confctl: ${sentence}`), `${args.join(' ')}: ${r.stderr}`)
  }
})

test('CLI: every duration flag takes 10s (the command then fails for its own reason, not the value)', async () => {
  // No node in this home: each command gets past flag parsing and stops at "which node?" or
  // the demo's --json rule; none of them may complain about the duration.
  const cases: string[][] = [
    ['qoe', 'inspect', '--duration', '10s', '--since', '10s'],
    ['qoe', 'check', '--node', 'none', '--live', '--duration', '10s', '--since', '10s'],
    ['token', 'create', '--room', 'r', '--identity', 'i', '--ttl', '10s'],
    ['node', 'down', 'none', '--timeout', '10s'],
    ['top', '--interval', '10s', '--timeout', '10s', '--once'],
  ]
  for (const args of cases) {
    const r = await cli(home, args)
    assert.not.match(r.stderr, /must be a (duration|whole number)/, `${args.join(' ')}: ${r.stderr}`)
    assert.ok(r.exitCode !== 0, `${args.join(' ')} has no node to use: ${r.exitCode}`)
  }
})

test('CLI: demo --duration 5s --interval 1s runs for 5 s and prints the room', async () => {
  const started = Date.now()
  const r = await cli(home, ['demo', '--participants', '1', '--duration', '5s', '--interval', '1s', '--json'], {
    timeout: 90_000,
  })
  const elapsed = Date.now() - started
  assert.is(r.exitCode, 0, `exit ${r.exitCode}: ${r.stderr}`)
  const out = JSON.parse(r.stdout) as {node: string; room: {name: string; participants: number}}
  assert.is(out.room.name, 'demo')
  assert.ok(out.room.participants >= 1, 'the participant joined')
  // 5 s, not 5 ms or 5000 s: the run lasts at least the duration (and the 90 s timeout bounds it)
  assert.ok(elapsed >= 5000, `the demo ran ${elapsed} ms`)
})

test.after(() => rmSync(home, {recursive: true, force: true}))

test.run()
