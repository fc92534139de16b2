// Asserts that fn throws confctl's BadInputError with one line that names every fragment.
import * as assert from 'uvu/assert'
import {BadInputError} from '../../src/errors.js'

export function badInput(fn: () => unknown, ...fragments: string[]): void {
  try {
    fn()
  } catch (err) {
    assert.instance(err, BadInputError)
    for (const f of fragments)
      assert.ok((err as Error).message.includes(f), `"${(err as Error).message}" should include "${f}"`)
    assert.not.match((err as Error).message, /\n/)
    return
  }
  assert.unreachable('expected a BadInputError')
}
