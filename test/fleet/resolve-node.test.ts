// test-kind: unit
import {fileURLToPath} from 'node:url'
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {BadInputError} from '../../src/errors.js'
import {emptyInventory, upsertNode, type Inventory, type LocalNodeEntry} from '../../src/fleet/inventory.js'
import {localEntryFromFlags} from '../../src/fleet/local-entry-from-flags.js'
import {pickNode} from '../../src/fleet/resolve-node.js'

const node = (name: string): LocalNodeEntry => ({
  name,
  kind: 'local',
  dir: `/h/nodes/${name}`,
  host: '0.0.0.0',
  port: 8080,
  adminHost: '127.0.0.1',
  adminPort: 8081,
  rtcPorts: [40000, 40199],
})
const inv = (...names: string[]): Inventory => names.reduce((acc, n) => upsertNode(acc, node(n)), emptyInventory())

function bad(fn: () => unknown, ...fragments: string[]) {
  try {
    fn()
  } catch (err) {
    assert.instance(err, BadInputError)
    for (const f of fragments)
      assert.ok((err as Error).message.includes(f), `"${(err as Error).message}" should include "${f}"`)
    return
  }
  assert.unreachable('expected BadInputError')
}

test('pickNode: --node wins; the only node is the default', () => {
  assert.is(pickNode(inv('a', 'b'), 'b', 'F').name, 'b')
  assert.is(pickNode(inv('a'), undefined, 'F').name, 'a')
})

test('pickNode: unknown name, none, several -> one clear sentence', () => {
  bad(() => pickNode(inv('a', 'b'), 'c', 'F'), "no node named 'c' in F", 'known nodes: a, b')
  bad(() => pickNode(inv(), undefined, 'F'), 'no nodes in F', 'confctl node up')
  bad(() => pickNode(inv('a', 'b'), undefined, 'F'), '2 nodes (a, b)', '--node')
})

test('node up flags: defaults for a new node', () => {
  const e = localEntryFromFlags({}, undefined, '/h')
  assert.equal(e, {
    name: 'local',
    kind: 'local',
    dir: '/h/nodes/local',
    host: '0.0.0.0',
    port: 8080,
    adminHost: '127.0.0.1',
    adminPort: 8081,
    rtcPorts: [40000, 40199],
    announceIp: undefined,
    qoeInterval: undefined,
    qoeRetention: undefined,
    adminTlsCert: undefined,
    adminTlsKey: undefined,
    insecureAdmin: undefined,
    maxConnections: undefined,
    maxConnectionsPerIp: undefined,
    maxSessions: undefined,
    maxSessionsPerIp: undefined,
    connectTimeout: undefined,
    accessLogMaxSize: undefined,
    accessLogMaxAge: undefined,
    iceServers: undefined,
    codecs: undefined,
    redis: undefined,
    redisPrefix: undefined,
    publicUrl: undefined,
    adminUrl: undefined,
  })
})

test('node up flags: the admin port off loopback needs TLS files or --insecure-admin', () => {
  const file = fileURLToPath(import.meta.url) // any existing file stands in for a PEM here
  bad(
    () => localEntryFromFlags({adminHost: '0.0.0.0'}, undefined, '/h'),
    '--admin-host 0.0.0.0 is not a loopback address',
    '--insecure-admin',
  )
  bad(
    () => localEntryFromFlags({adminHost: '0.0.0.0', adminTlsCert: file}, undefined, '/h'),
    '--admin-tls-cert and --admin-tls-key go together',
  )
  bad(
    () => localEntryFromFlags({adminTlsCert: '/nonexistent/c.pem', adminTlsKey: file}, undefined, '/h'),
    '--admin-tls-cert /nonexistent/c.pem does not exist',
  )
  assert.is(localEntryFromFlags({adminHost: '0.0.0.0', insecureAdmin: true}, undefined, '/h').insecureAdmin, true)
  const withTls = localEntryFromFlags({adminHost: '0.0.0.0', adminTlsCert: file, adminTlsKey: file}, undefined, '/h')
  assert.equal([withTls.adminTlsCert, withTls.adminTlsKey], [file, file])
  // Recorded settings are kept by a plain restart; '' and --no-insecure-admin clear them.
  assert.is(localEntryFromFlags({}, withTls, '/h').adminTlsCert, file)
  bad(() => localEntryFromFlags({adminTlsCert: '', adminTlsKey: ''}, withTls, '/h'), 'is not a loopback address')
  assert.is(
    localEntryFromFlags({adminHost: '127.0.0.1', adminTlsCert: '', adminTlsKey: ''}, withTls, '/h').adminTlsCert,
    undefined,
  )
  const insecure = localEntryFromFlags({adminHost: '::', insecureAdmin: true}, undefined, '/h')
  assert.is(localEntryFromFlags({adminHost: '::1', insecureAdmin: false}, insecure, '/h').insecureAdmin, undefined)
})

test('node up flags: flags left out keep the recorded values', () => {
  const prev = {...node('local'), port: 9000, announceIp: '198.51.100.1', adminUrl: 'http://127.0.0.1:8081'}
  const e = localEntryFromFlags({rtcPorts: '41000-41009'}, prev, '/h')
  assert.is(e.port, 9000)
  assert.is(e.announceIp, '198.51.100.1')
  assert.equal(e.rtcPorts, [41000, 41009])
  assert.is(e.adminUrl, 'http://127.0.0.1:8081')
  assert.is(localEntryFromFlags({announceIp: ''}, prev, '/h').announceIp, undefined)
  assert.is(localEntryFromFlags({adminPort: '0'}, prev, '/h').adminUrl, undefined)
})

test('node up flags: bad values', () => {
  bad(() => localEntryFromFlags({port: '70000'}, undefined, '/h'), '--port')
  bad(() => localEntryFromFlags({rtcPorts: '2-1'}, undefined, '/h'), '--rtc-ports')
  bad(() => localEntryFromFlags({announceIp: 'example.org'}, undefined, '/h'), '--announce-ip', 'example.org')
  bad(() => localEntryFromFlags({name: '../etc'}, undefined, '/h'), '--name')
  bad(() => localEntryFromFlags({port: '9000', adminPort: '9000'}, undefined, '/h'), 'must differ')
  bad(
    () =>
      localEntryFromFlags(
        {name: 'e'},
        {
          name: 'e',
          kind: 'ssh',
          host: 'h',
          user: 'u',
          sshPort: 22,
          dir: '/d',
          publicUrl: 'https://e',
          adminUrl: 'http://127.0.0.1:1',
        },
        '/h',
      ),
    'ssh node',
  )
})

test.run()
