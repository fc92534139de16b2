// test-kind: e2e
// The read API's failures: a bad URL is bad input (exit 2), an unreachable Redis is
// UnreachableError (exit 3) naming it, within the bounded retry; never a hang.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError, UnreachableError} from '../../src/errors.js'
import {listNodes, openCoordination, redactUrl} from '../../src/coord/fleet-view.js'
import {parsePlacementPolicy, PlacementPolicyError} from '../../src/coord/placement-policy.js'
import {freePort} from '../helpers/coord-redis.js'

test('bad Redis URLs are bad input, one sentence each', async () => {
  for (const [url, words] of [
    ['localhost:6379', /not a Redis URL/],
    ['http://127.0.0.1:6379', /scheme must be redis/],
    ['redis://127.0.0.1:6379/x', /database must be a number/],
  ] as const) {
    const refused = await openCoordination(url).then(
      () => undefined,
      (e: unknown) => e,
    )
    assert.instance(refused, BadInputError, url)
    assert.match((refused as Error).message, words)
  }
})

test('an unreachable Redis is UnreachableError naming the server, not a hang', async () => {
  const port = await freePort() // nothing listens there
  const redis = await openCoordination(`redis://127.0.0.1:${port}/3`)
  const started = Date.now()
  try {
    await listNodes(redis, 'confctl:')
    assert.unreachable('listNodes resolved')
  } catch (err) {
    assert.instance(err, UnreachableError)
    assert.match((err as Error).message, `127.0.0.1:${port}/3`)
  } finally {
    redis.disconnect()
  }
  assert.ok(Date.now() - started < 10_000)
})

test('redactUrl hides the password', () => {
  assert.is(redactUrl('redis://u:secret@h:1/2'), 'redis://u:***@h:1/2')
})

test('placement policies: the three forms, and bad ones named', () => {
  assert.equal(parsePlacementPolicy('least-participants'), {kind: 'least-participants'})
  assert.equal(parsePlacementPolicy('least-cpu'), {kind: 'least-cpu'})
  assert.equal(parsePlacementPolicy('stay-here-below:70'), {kind: 'stay-here-below', percent: 70})
  for (const bad of ['most-cpu', 'stay-here-below:0', 'stay-here-below:101', 'stay-here-below:', ''])
    assert.throws(
      () => parsePlacementPolicy(bad),
      (e: unknown) => e instanceof PlacementPolicyError && (e as Error).message.includes(`'${bad}'`),
    )
})

test.run()
