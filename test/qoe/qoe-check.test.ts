// test-kind: unit
// qoe check on a dump as a function: the verdict (streams checked, violations in order) and
// the one sentence a failed check ends in, on the shipped webrtc-internals fixtures.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CheckFailedError, EXIT} from '../../src/errors.js'
import {checkDump, checkFailure, dumpScopes, judge} from '../../src/qoe/qoe-check.js'
import {DEFAULT_THRESHOLDS} from '../../src/qoe/thresholds.js'

const fixture = (name: string) =>
  join(fileURLToPath(new URL('../../../test/fixtures/webrtc-internals/', import.meta.url)), name)

test('a dump that breaks the default thresholds: the violations, and a sentence naming the first and counting the rest', async () => {
  const check = await checkDump(fixture('chrome-new.json'), DEFAULT_THRESHOLDS)
  assert.is(check.passed, false)
  assert.is(check.streamsChecked, 8)
  assert.equal(Object.keys(check), [
    'file',
    'format',
    'thresholds',
    'passed',
    'streamsChecked',
    'violations',
    'peerConnections',
  ])
  const err = checkFailure(check, 'above')
  assert.instance(err, CheckFailedError)
  assert.is(err!.exitCode, EXIT.checkFailed)
  assert.match(
    err!.message,
    /^\d of 8 stream\(s\) break the quality thresholds: pc 7-\d \/ .*: p95 .*\(and \d+ more violation\(s\), listed above\)\.$/,
  )
})

test('within loose thresholds: passed, no failure', async () => {
  const loose = {maxJitterMs: 150, maxLossPercent: 15, maxRttMs: 1000, minMos: 2.5}
  const check = await checkDump(fixture('rtcstats-dump-compressed.txt'), loose)
  assert.is(check.passed, true)
  assert.is(check.violations.length, 0)
  assert.is(checkFailure(check, 'above'), null)
})

test('judge counts streams over every scope; no streams is a pass', async () => {
  const check = await checkDump(fixture('chrome-new.json'), DEFAULT_THRESHOLDS)
  const scopes = dumpScopes(check)
  assert.is(judge(scopes, DEFAULT_THRESHOLDS).streamsChecked, 8)
  assert.equal(judge([], DEFAULT_THRESHOLDS), {
    thresholds: DEFAULT_THRESHOLDS,
    passed: true,
    streamsChecked: 0,
    violations: [],
  })
})

test.run()
