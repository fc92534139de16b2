// test-kind: unit
// `confctl node up --ice-server URL[,username,credential]` (repeatable) reaches the node's
// command line in order, is kept in fleet.yaml, is cleared with "", and bad values name the
// flag; the node's own parser reads the servers back and turns them into RFC 9725 Link values.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {parseInventory, serializeInventory} from '../../src/fleet/inventory.js'
import {nodeArgs} from '../../src/fleet/node-args.js'
import {localEntryFromFlags} from '../../src/fleet/local-entry-from-flags.js'
import {iceServerLinks} from '../../src/api/ice-servers.js'
import {ConfigError, parseNodeArgs} from '../../src/sfu/node-config.js'
import {badInput} from '../helpers/assert-bad-input.js'

const SERVERS = ['stun:stun.example.net:3478', 'turn:turn.example.net:3478?transport=udp,user,pa55']

test('recorded, passed in order and read back by the node', () => {
  const entry = localEntryFromFlags({name: 'edge', iceServers: SERVERS}, undefined, '/tmp/confctl-home')
  const config = parseNodeArgs(nodeArgs(entry))
  assert.equal(config.iceServers, [
    {url: 'stun:stun.example.net:3478'},
    {url: 'turn:turn.example.net:3478?transport=udp', username: 'user', credential: 'pa55'},
  ])
  assert.equal(iceServerLinks(config.iceServers), [
    '<stun:stun.example.net:3478>; rel="ice-server"',
    '<turn:turn.example.net:3478?transport=udp>; rel="ice-server"; username="user"; credential="pa55"; credential-type="password"',
  ])
  const recorded = parseInventory(serializeInventory({version: 1, nodes: [entry]}), 'fleet.yaml').nodes[0]!
  assert.equal(
    localEntryFromFlags({name: 'edge'}, recorded, '/tmp/confctl-home').iceServers,
    SERVERS,
    'kept when left out',
  )
  const cleared = localEntryFromFlags({name: 'edge', iceServers: ['']}, recorded, '/tmp/confctl-home')
  assert.is(cleared.iceServers, undefined)
  assert.not.ok(nodeArgs(cleared).includes('--ice-server'))
  assert.equal(parseNodeArgs(['--dir', '/tmp/x']).iceServers, [], 'no servers by default')
})

test('bad values name the flag and the problem', () => {
  badInput(() => localEntryFromFlags({iceServers: ['http://stun.example.net']}, undefined), '--ice-server', 'stun:')
  badInput(
    () => localEntryFromFlags({iceServers: ['turn:turn.example.net']}, undefined),
    '--ice-server',
    'URL,username,credential',
  )
  badInput(() => localEntryFromFlags({iceServers: ['stun:s.example.net,user,pw']}, undefined), '--ice-server', 'STUN')
  badInput(
    () => localEntryFromFlags({iceServers: ['turn:t.example.net,us"er,pw']}, undefined),
    '--ice-server',
    'quotes',
  )
  assert.throws(
    () => parseNodeArgs(['--dir', '/tmp/x', '--ice-server', 'stun:a b']),
    (e: Error) => e instanceof ConfigError && /--ice-server/.test(e.message),
  )
  const entry = localEntryFromFlags({name: 'edge'}, undefined, '/tmp/confctl-home')
  const yaml = serializeInventory({version: 1, nodes: [entry]}).replace(
    '    kind: local\n',
    '    kind: local\n    iceServers: stun:x\n',
  )
  assert.throws(() => parseInventory(yaml, 'fleet.yaml'), /iceServers must be a list/)
})

test.run()
