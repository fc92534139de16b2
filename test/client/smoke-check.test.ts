// test-kind: unit
// smoke's domain function around the run: a token file without --url is refused before
// anything starts, and the verdict of a report is one sentence counting the failed streams.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError, CheckFailedError, EXIT} from '../../src/errors.js'
import {smokeCheck, smokeFailure} from '../../src/client/smoke-check.js'
import type {SmokeReport} from '../../src/client/smoke-report.js'

test('--admin-token-file without --url: bad input, nothing started', async () => {
  try {
    await smokeCheck({adminTokenFile: '/tmp/token'})
    assert.unreachable('expected a refusal')
  } catch (err) {
    assert.instance(err, BadInputError)
    assert.match((err as Error).message, '--admin-token-file goes with --url')
  }
})

test('a report with failed streams ends in exit 1 naming how many of how many; a passed one in nothing', () => {
  const stream = (passed: boolean) => ({passed}) as SmokeReport['streams'][number]
  const report = {passed: false, node: 'edge1', streams: [stream(true), stream(false), stream(false)]} as SmokeReport
  const err = smokeFailure(report)
  assert.instance(err, CheckFailedError)
  assert.is(err!.exitCode, EXIT.checkFailed)
  assert.is(err!.message, "smoke check failed: 2 of 3 streams on node 'edge1' missed the thresholds.")
  assert.is(smokeFailure({...report, passed: true}), null)
})

test.run()
