// test-kind: unit
// The X-Confctl-Relay token: accepted for the request it was signed for with a fleet key the
// node holds (current or previous), refused otherwise with one sentence.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {randomBytes} from 'node:crypto'
import {joinKey} from '../../src/sfu/join-keys.js'
import {RelayTokenError, signRelayToken, verifyRelayToken} from '../../src/sfu/relay-token.js'

const key = () => joinKey(randomBytes(32), 'fleet')

test('valid for its method and path, naming the relaying node; the previous key works too', async () => {
  const current = key()
  const previous = key()
  const t = await signRelayToken(current, 'node-a', 'POST', '/whip/r')
  assert.is(await verifyRelayToken(t, [current, previous], 'POST', '/whip/r'), 'node-a')
  const old = await signRelayToken(previous, 'node-b', 'PATCH', '/whip/r/pub_1')
  assert.is(await verifyRelayToken(old, [current, previous], 'PATCH', '/whip/r/pub_1'), 'node-b')
})

test('refused: another request, a foreign key, a node key, not a JWT', async () => {
  const fleet = key()
  const t = await signRelayToken(fleet, 'node-a', 'POST', '/whip/r')
  const cases: Array<[() => Promise<string>, RegExp]> = [
    [() => verifyRelayToken(t, [fleet], 'DELETE', '/whip/r'), /for another request/],
    [() => verifyRelayToken(t, [key()], 'POST', '/whip/r'), /fleet key this node does not have/],
    [() => verifyRelayToken(t, [{...fleet, scope: 'node'}], 'POST', '/whip/r'), /fleet key this node does not have/],
    [() => verifyRelayToken('garbage', [fleet], 'POST', '/whip/r'), /not a JWT/],
  ]
  for (const [verify, message] of cases)
    await verify().then(
      () => assert.unreachable('accepted'),
      (e: unknown) => assert.ok(e instanceof RelayTokenError && message.test((e as Error).message), String(e)),
    )
})

test.run()
