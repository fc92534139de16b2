// test-kind: unit
// confctl's typed errors (src/errors.ts) carry the exit codes README.md's "Exit codes" table
// documents; the command base class reads them and nothing else. A code that drifts from
// that table breaks every script that tests $?.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {
  BadInputError,
  BusyError,
  CheckFailedError,
  ConfctlError,
  EXIT,
  PassedOnExit,
  UnavailableError,
  UnreachableError,
} from '../src/errors.js'

test('each error class carries its documented code and its own name', () => {
  const cases: Array<[ConfctlError, number, string]> = [
    [new CheckFailedError('x'), 1, 'CheckFailedError'],
    [new BadInputError('x'), 2, 'BadInputError'],
    [new UnreachableError('x'), 3, 'UnreachableError'],
    [new UnavailableError('x'), 69, 'UnavailableError'],
    [new BusyError('x'), 75, 'BusyError'],
  ]
  for (const [err, code, name] of cases) {
    assert.is(err.exitCode, code, name)
    assert.is(err.name, name)
    assert.instance(err, ConfctlError)
    assert.instance(err, Error)
    assert.is(err.reported, false)
    assert.is(err.message, 'x')
  }
  assert.is(EXIT.internal, 70, 'internal errors are 70 (EX_SOFTWARE), never 1')
})

test('the codes are the ones README.md documents', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8')
  const table = readme.slice(readme.indexOf('## Exit codes'))
  for (const code of Object.values(EXIT)) assert.match(table, new RegExp(`^\\| ${code} \\|`, 'm'), `code ${code}`)
})

test('reported: the command printed its own report, the base adds nothing', () => {
  assert.is(new CheckFailedError('3 checks failed', {reported: true}).reported, true)
  const passed = new PassedOnExit('node exited', 130)
  assert.is(passed.exitCode, 130)
  assert.is(passed.reported, true)
  assert.is(passed.name, 'PassedOnExit')
})

test.run()
