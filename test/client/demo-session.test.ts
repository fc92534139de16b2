// test-kind: unit
// The demo's run: a participant count outside 1..8 is refused before a node is started.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError} from '../../src/errors.js'
import {runDemo} from '../../src/client/demo-session.js'

for (const participants of [0, 9, 2.5]) {
  test(`--participants ${participants}: bad input, nothing started`, async () => {
    let shown = false
    const progress: string[] = []
    try {
      await runDemo({participants, onProgress: (m) => progress.push(m)}, async () => {
        shown = true
      })
      assert.unreachable('expected a refusal')
    } catch (err) {
      assert.instance(err, BadInputError)
      assert.is((err as Error).message, `--participants must be from 1 to 8, not ${participants}.`)
    }
    assert.not.ok(shown)
    assert.equal(progress, [], 'no node was started')
  })
}

test.run()
