// test-kind: unit
// Which bundle counts as older than the installed one (a downgrade needs --allow-downgrade).
// The choice on a real host is tested in ssh-reprovision.test.ts.
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {isOlder} from '../../../src/fleet/ssh/release-choice.js'

const versions = suite('isOlder')

versions('semantic versions, pre-releases below their release; unparseable ones count as older', () => {
  const cases: [string, string, boolean][] = [
    ['0.1.0', '0.1.1-restart.1', true],
    ['0.1.1-restart.1', '0.1.0', false],
    ['0.1.0-upgrade.2', '0.1.0', true],
    ['0.2.0', '0.10.0', true],
    ['1.0.0', '1.0.0', false],
    ['nightly', '1.0.0', true],
    ['nightly', 'nightly', false],
  ]
  for (const [a, b, older] of cases) assert.is(isOlder(a, b), older, `${a} < ${b}`)
})

versions.run()
