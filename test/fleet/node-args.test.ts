// test-kind: unit
// `confctl node up` flags for the node's HTTP caps and access-log rotation reach the node's
// command line, are kept in fleet.yaml across restarts, and are checked with one sentence.
// The node's own parser (src/sfu/node-config.ts) reads the line back.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {parseInventory, serializeInventory} from '../../src/fleet/inventory.js'
import {nodeArgs} from '../../src/fleet/node-args.js'
import {localEntryFromFlags} from '../../src/fleet/local-entry-from-flags.js'
import {parseNodeArgs} from '../../src/sfu/node-config.js'
import {badInput} from '../helpers/assert-bad-input.js'

const flags = {maxConnections: '2000', maxConnectionsPerIp: '1000', accessLogMaxSize: '50mb', accessLogMaxAge: '12h'}

test('the flags reach the node: its parser reads them back', () => {
  const entry = localEntryFromFlags({name: 'edge', ...flags}, undefined, '/tmp/confctl-home')
  const config = parseNodeArgs(nodeArgs(entry))
  assert.equal(
    [config.maxConnections, config.maxConnectionsPerIp, config.accessLogMaxBytes, config.accessLogMaxAgeSeconds],
    [2000, 1000, 50 * 1024 * 1024, 12 * 3600],
  )
})

test('recorded in fleet.yaml, kept when left out, cleared with ""', () => {
  const first = localEntryFromFlags({name: 'edge', ...flags}, undefined, '/tmp/confctl-home')
  const inventory = parseInventory(serializeInventory({version: 1, nodes: [first]}), 'fleet.yaml')
  const recorded = inventory.nodes[0]!
  const again = localEntryFromFlags({name: 'edge'}, recorded, '/tmp/confctl-home')
  assert.equal(
    [again.maxConnections, again.maxConnectionsPerIp, again.accessLogMaxSize, again.accessLogMaxAge],
    [2000, 1000, '50MB', '43200s'],
  )
  const cleared = localEntryFromFlags(
    {name: 'edge', maxConnections: '', accessLogMaxSize: ''},
    recorded,
    '/tmp/confctl-home',
  )
  assert.equal([cleared.maxConnections, cleared.accessLogMaxSize], [undefined, undefined])
  assert.not.ok(
    nodeArgs(cleared).includes('--max-connections'),
    'a cleared cap is not passed: the node picks its default',
  )
})

test('the session caps and connect timeout reach the node and are kept in fleet.yaml', () => {
  const entry = localEntryFromFlags(
    {name: 'edge', maxSessions: '150', maxSessionsPerIp: '40', connectTimeout: '20s'},
    undefined,
    '/tmp/confctl-home',
  )
  const config = parseNodeArgs(nodeArgs(entry))
  assert.equal([config.maxSessions, config.maxSessionsPerIp, config.connectTimeoutSeconds], [150, 40, 20])
  const recorded = parseInventory(serializeInventory({version: 1, nodes: [entry]}), 'fleet.yaml').nodes[0]!
  const again = localEntryFromFlags({name: 'edge'}, recorded, '/tmp/confctl-home')
  assert.equal([again.maxSessions, again.maxSessionsPerIp, again.connectTimeout], [150, 40, '20s'])
  const defaults = parseNodeArgs(
    nodeArgs(localEntryFromFlags({name: 'edge', rtcPorts: '40000-40099'}, undefined, '/tmp/confctl-home')),
  )
  assert.equal(
    [defaults.maxSessions, defaults.maxSessionsPerIp, defaults.connectTimeoutSeconds],
    [100, 50, 30],
    'defaults follow the port range',
  )
  badInput(() => localEntryFromFlags({maxSessions: '0'}, undefined), '--max-sessions', "'0'")
  badInput(() => localEntryFromFlags({maxSessionsPerIp: 'lots'}, undefined), '--max-sessions-per-ip')
  badInput(() => localEntryFromFlags({connectTimeout: 'soon'}, undefined), '--connect-timeout')
})

test('bad values name the flag', () => {
  badInput(() => localEntryFromFlags({maxConnections: '0'}, undefined), '--max-connections', "'0'")
  badInput(() => localEntryFromFlags({maxConnectionsPerIp: 'many'}, undefined), '--max-connections-per-ip')
  badInput(() => localEntryFromFlags({accessLogMaxSize: '10'}, undefined), '--access-log-max-size', 'like 512KB')
  badInput(() => localEntryFromFlags({accessLogMaxSize: '100B'}, undefined), '--access-log-max-size')
  badInput(() => localEntryFromFlags({accessLogMaxAge: '0s'}, undefined), '--access-log-max-age')
})

test('coordination settings reach the node; without redis none are passed', () => {
  const entry = localEntryFromFlags({name: 'edge'}, undefined, '/tmp/confctl-home')
  const config = parseNodeArgs(
    nodeArgs({
      ...entry,
      redis: 'redis://10.0.0.2:6379/3',
      redisPrefix: 'uni:',
      placement: 'least-cpu',
      redirectMode: '307',
    }),
  )
  assert.equal(
    [
      config.coordination?.redisUrl,
      config.coordination?.prefix,
      config.coordination?.placement,
      config.coordination?.redirectMode,
    ],
    ['redis://10.0.0.2:6379/3', 'uni:', {kind: 'least-cpu'}, '307'],
  )
  assert.not.ok(nodeArgs({...entry, redisPrefix: 'uni:'}).includes('--redis-prefix'))
})

test.run()
