// test-kind: unit
// The command boundary (src/cli/base-command.ts) is the one place that decides exit codes:
// tiny commands run through oclif's real Command.run show each error class's code and what
// reaches stderr (one line; nothing more for an outcome the command already reported; an
// unexpected error is 70, not 1, "internal error" and no stack unless CONFCTL_DEBUG), and a
// scan of src/commands shows no command exits by itself.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Config, Errors} from '@oclif/core'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BaseCommand} from '../../src/cli/base-command.js'
import {
  BadInputError,
  BusyError,
  CheckFailedError,
  EXIT,
  PassedOnExit,
  UnavailableError,
  UnreachableError,
} from '../../src/errors.js'

// dist/test/cli/ -> the package root (package.json, src/)
const root = fileURLToPath(new URL('../../..', import.meta.url))

/** A command whose run() throws what it is given, as a domain call would. */
function throwing(make: () => unknown): typeof BaseCommand {
  return class Throwing extends BaseCommand {
    async run(): Promise<void> {
      await this.parse(Throwing)
      throw make()
    }
  }
}

/** Runs a command class through oclif; returns its exit code (0 when it returns) and stderr. */
async function run(cmd: typeof BaseCommand, env: Record<string, string> = {}): Promise<{code: number; stderr: string}> {
  const config = await Config.load(root)
  let stderr = ''
  const write = process.stderr.write.bind(process.stderr)
  const saved = {...process.env}
  Object.assign(process.env, env)
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk)
    return true
  }) as typeof process.stderr.write
  try {
    await (cmd as unknown as {run(argv: string[], config: Config): Promise<unknown>}).run([], config)
    return {code: 0, stderr}
  } catch (err) {
    if (err instanceof Errors.ExitError) return {code: err.oclif.exit ?? -1, stderr}
    throw err
  } finally {
    process.stderr.write = write
    for (const k of Object.keys(env)) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  }
}

test('an unexpected error (a TypeError from a domain call) exits 70 with one line, no stack', async () => {
  const r = await run(
    throwing(() => {
      try {
        const missing = undefined as unknown as {rooms: unknown[]}
        return missing.rooms.length // a real TypeError, as a bug would throw it
      } catch (err) {
        return err
      }
    }),
  )
  assert.is(r.code, EXIT.internal)
  assert.is(r.code, 70)
  assert.is(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr)
  assert.match(
    r.stderr,
    /^confctl: internal error: TypeError: Cannot read properties of undefined \(reading 'rooms'\) \(CONFCTL_DEBUG=1 for the stack\)\n$/,
  )
})

test('a multi-line or non-Error throw is still one line and exit 70', async () => {
  const r1 = await run(throwing(() => new Error('first line\n  second line')))
  assert.is(r1.code, 70)
  assert.is(r1.stderr, 'confctl: internal error: first line second line (CONFCTL_DEBUG=1 for the stack)\n')
  const r2 = await run(throwing(() => 'a string'))
  assert.is(r2.code, 70)
  assert.is(r2.stderr, 'confctl: internal error: a string (CONFCTL_DEBUG=1 for the stack)\n')
})

test('CONFCTL_DEBUG=1 prints the stack of an unexpected error, exit still 70', async () => {
  const r = await run(
    throwing(() => new RangeError('out of range')),
    {CONFCTL_DEBUG: '1'},
  )
  assert.is(r.code, 70)
  assert.match(r.stderr, /^confctl: internal error: RangeError: out of range\n\s+at /)
})

test('each documented error class maps to its exit code with one sentence', async () => {
  const cases: Array<[() => unknown, number, string]> = [
    [() => new CheckFailedError('2 checks failed.'), 1, 'confctl: 2 checks failed.\n'],
    [() => new BadInputError('--x must be a number, not "y".'), 2, 'confctl: --x must be a number, not "y".\n'],
    [() => new UnreachableError('node edge1 is unreachable.'), 3, 'confctl: node edge1 is unreachable.\n'],
    [() => new UnavailableError('the SFU node program is missing.'), 69, 'confctl: the SFU node program is missing.\n'],
    [
      () => new BusyError('fleet.yaml.lock is held by process 7.'),
      75,
      'confctl: fleet.yaml.lock is held by process 7.\n',
    ],
  ]
  for (const [make, code, stderr] of cases) {
    const r = await run(throwing(make))
    assert.is(r.code, code)
    assert.is(r.stderr, stderr)
  }
})

test('an outcome the command already reported sets the code and prints nothing more', async () => {
  const r1 = await run(throwing(() => new CheckFailedError('the audit log is broken.', {reported: true})))
  assert.is(r1.code, 1)
  assert.is(r1.stderr, '')
  const r2 = await run(throwing(() => new UnreachableError('a store could not be reached.', {reported: true})))
  assert.is(r2.code, 3)
  assert.is(r2.stderr, '')
  const r3 = await run(throwing(() => new PassedOnExit('ended by SIGINT.', 130)))
  assert.is(r3.code, 130)
  assert.is(r3.stderr, '')
})

test("oclif's own parse errors are bad input: exit 2, one line", async () => {
  const r = await run(
    class Strict extends BaseCommand {
      async run(): Promise<void> {
        await this.parse(Strict, ['--no-such-flag'])
      }
    },
  )
  assert.is(r.code, 2)
  assert.is(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr)
  assert.match(r.stderr, /^confctl: .*no-such-flag.*\(see --help\)\n$/)
})

test('a command that returns exits 0 and prints nothing on stderr', async () => {
  const r = await run(
    class Fine extends BaseCommand {
      async run(): Promise<void> {
        await this.parse(Fine)
      }
    },
  )
  assert.is(r.code, 0)
  assert.is(r.stderr, '')
})

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full))
    else if (/\.tsx?$/.test(name)) out.push(full)
  }
  return out
}

test('no command under src/commands exits by itself: the base class decides every exit code', () => {
  const files = sourceFiles(join(root, 'src', 'commands'))
  assert.ok(files.length > 20, `found only ${files.length} command files under ${root}src/commands`)
  const offenders: string[] = []
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    text.split('\n').forEach((line, i) => {
      if (/\bthis\.exit\(|\bprocess\.exit\(|\bprocess\.exitCode\s*=/.test(line))
        offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`)
    })
  }
  assert.equal(offenders, [], offenders.join('\n'))
})

test.run()
