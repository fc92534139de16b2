// test-kind: unit
// --ice-server values and their Link headers (src/api/ice-servers.ts; RFC 9725 §4.6,
// RFC 7064/7065 URIs). Every refusal is an IceServerError with one sentence naming the flag.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {iceServerLinks, IceServerError, parseIceServer} from '../../src/api/ice-servers.js'

function refused(value: string, fragment: string) {
  try {
    parseIceServer(value)
  } catch (err) {
    assert.instance(err, IceServerError)
    const message = (err as Error).message
    assert.ok(message.startsWith('--ice-server '), message)
    assert.ok(message.includes(fragment), `"${message}" should include "${fragment}"`)
    assert.not.match(message, /\n/)
    return
  }
  assert.unreachable(`${value} should be refused`)
}

test('STUN URIs stand alone; TURN URIs carry a username and a credential', () => {
  assert.equal(parseIceServer('stun:stun.example.org:3478'), {url: 'stun:stun.example.org:3478'})
  assert.equal(parseIceServer('stuns:stun.example.org'), {url: 'stuns:stun.example.org'})
  assert.equal(parseIceServer('turn:turn.example.org:3478?transport=udp,alice,s3cr/t+'), {
    url: 'turn:turn.example.org:3478?transport=udp',
    username: 'alice',
    credential: 's3cr/t+',
  })
  assert.equal(parseIceServer('turns:t.example.org:443,u,p').url, 'turns:t.example.org:443')
})

test('schemes other than stun(s)/turn(s), and empty hosts, are refused', () => {
  refused('http://stun.example.org', "not 'http://stun.example.org'")
  refused('stun:', "not 'stun:'")
  refused('', "not ''")
  refused('STUN:example.org', 'stun:, stuns:, turn: or turns:')
})

test('characters that would break out of the Link header are refused in the URI', () => {
  refused('stun:a.example.org>; rel="x"', 'without spaces')
  refused('stun:a b', 'without spaces')
  refused('stun:a"b', 'quotes')
  refused('stun:a;b', 'stun:')
})

test('STUN with credentials, TURN without them, and extra parts', () => {
  refused('stun:a.example.org,alice,pw', 'is a STUN server')
  refused('turn:a.example.org', 'is a TURN server: give it as URL,username,credential')
  refused('turn:a.example.org,alice', 'give it as URL,username,credential')
  refused('turn:a.example.org,alice,pw,extra', 'has more parts')
})

test('empty or quote-breaking usernames and credentials are refused', () => {
  refused('turn:a.example.org,,pw', 'username of turn:a.example.org must be non-empty')
  refused('turn:a.example.org,alice,', 'credential of turn:a.example.org must be non-empty')
  refused('turn:a.example.org,al"ice,pw', 'username')
  refused('turn:a.example.org,alice,p\\w', 'credential')
})

test("the flag name in sentences is the caller's", () => {
  assert.throws(() => parseIceServer('x', 'ice_servers in fleet.yaml'), /^ice_servers in fleet\.yaml must/)
})

test('Link headers: rel="ice-server", TURN with password credentials (RFC 9725 §4.6)', () => {
  assert.equal(
    iceServerLinks([
      {url: 'stun:s.example.org'},
      {url: 'turn:t.example.org?transport=tcp', username: 'u', credential: 'p'},
    ]),
    [
      '<stun:s.example.org>; rel="ice-server"',
      '<turn:t.example.org?transport=tcp>; rel="ice-server"; username="u"; credential="p"; credential-type="password"',
    ],
  )
  assert.equal(iceServerLinks([]), [])
})

test.run()
