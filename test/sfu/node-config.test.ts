// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {ConfigError, parseNodeArgs} from '../../src/sfu/node-config.js'
import {fixAnswerSsrcs} from '../../src/sfu/peer-factory.js'

test('defaults and explicit values', () => {
  const c = parseNodeArgs(['--dir', '/tmp/x', '--rtc-ports', '50000-50010', '--qoe-retention', '2d'])
  assert.is(c.port, 8080)
  assert.is(c.adminHost, '127.0.0.1')
  assert.equal(c.rtcPorts, [50000, 50010])
  assert.is(c.qoeRetentionSeconds, 2 * 86400)
})

test('bad values name the option', () => {
  assert.throws(() => parseNodeArgs([]), /--dir is required/)
  assert.throws(() => parseNodeArgs(['--dir', 'x', '--port', '70000']), /--port must be a port number/)
  assert.throws(() => parseNodeArgs(['--dir', 'x', '--rtc-ports', '5000-4000']), /--rtc-ports/)
  assert.throws(
    () => parseNodeArgs(['--dir', 'x', '--bogus', '1']),
    (e: Error) => e instanceof ConfigError && /unknown option --bogus/.test(e.message),
  )
})

test('HTTP caps and access-log rotation flags', () => {
  const d = parseNodeArgs(['--dir', 'x'])
  assert.equal(
    [d.maxConnections, d.maxConnectionsPerIp, d.accessLogMaxBytes, d.accessLogMaxAgeSeconds],
    [undefined, 256, 10 * 1024 * 1024, 86400],
  )
  const c = parseNodeArgs([
    '--dir',
    'x',
    '--max-connections',
    '1000',
    '--max-connections-per-ip',
    '50',
    '--access-log-max-size',
    '512KB',
    '--access-log-max-age',
    '6h',
  ])
  assert.equal(
    [c.maxConnections, c.maxConnectionsPerIp, c.accessLogMaxBytes, c.accessLogMaxAgeSeconds],
    [1000, 50, 512 * 1024, 6 * 3600],
  )
  assert.throws(
    () => parseNodeArgs(['--dir', 'x', '--max-connections', '0']),
    /--max-connections must be a whole number/,
  )
  assert.throws(
    () => parseNodeArgs(['--dir', 'x', '--access-log-max-size', '10']),
    /--access-log-max-size must be a size of at least 1KB/,
  )
  assert.throws(
    () => parseNodeArgs(['--dir', 'x', '--access-log-max-size', '100B']),
    /--access-log-max-size must be a size of at least 1KB/,
  )
})

test('answer fix: recvonly sections lose their SSRC lines, sendonly ones gain one msid', () => {
  const sdp = [
    'v=0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=recvonly',
    'a=mid:0',
    'a=ssrc:1 cname:x',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
    'a=sendonly',
    'a=mid:1',
    'a=ssrc-group:FID 2 3',
    'a=ssrc:2 cname:x',
    'a=ssrc:3 cname:x',
    '',
  ].join('\r\n')
  const fixed = fixAnswerSsrcs(sdp, 'pub_1')
  assert.not.match(fixed, /a=ssrc:1 /)
  assert.match(fixed, /a=mid:1\r\na=msid:pub_1 pub_1-video\r\n/)
  assert.match(fixed, /a=ssrc-group:FID 2 3/)
})

test('coordination: --redis and its options, defaults, and each bad value named', () => {
  assert.is(parseNodeArgs(['--dir', 'x']).coordination, undefined)
  assert.equal(parseNodeArgs(['--dir', 'x', '--redis', 'redis://127.0.0.1:6379/2']).coordination, {
    redisUrl: 'redis://127.0.0.1:6379/2',
    prefix: 'confctl:',
    placement: {kind: 'least-participants'},
    redirectMode: 'relay',
    relayUrl: undefined,
    ttlMs: 5000,
  })
  const c = parseNodeArgs([
    '--dir',
    'x',
    '--redis',
    'rediss://h:1',
    '--redis-prefix',
    'uni:',
    '--placement',
    'stay-here-below:70',
    '--redirect-mode',
    '307',
    '--relay-url',
    'http://10.0.0.5:8080/',
    '--coordination-ttl',
    '10s',
  ]).coordination
  assert.equal(
    [c?.prefix, c?.placement, c?.redirectMode, c?.relayUrl, c?.ttlMs],
    ['uni:', {kind: 'stay-here-below', percent: 70}, '307', 'http://10.0.0.5:8080', 10_000],
  )
  const bad: Array<[string[], RegExp]> = [
    [['--redis', 'localhost:6379'], /--redis: .*not a Redis URL/],
    [['--redis', 'http://h:1'], /--redis: .*scheme must be redis/],
    [['--redis', 'redis://h:1', '--redis-prefix', 'a b'], /--redis-prefix: .*'a b' is invalid/],
    [['--redis', 'redis://h:1', '--placement', 'random'], /--placement must be .*'random'/],
    [['--redis', 'redis://h:1', '--redirect-mode', '302'], /--redirect-mode must be relay or 307, not '302'/],
    [['--redis', 'redis://h:1', '--relay-url', 'ftp://x'], /--relay-url must be an http\(s\) URL/],
    [['--redis', 'redis://h:1', '--coordination-ttl', '1s'], /--coordination-ttl must be a duration/],
    [['--placement', 'least-cpu'], /--placement needs --redis/],
  ]
  for (const [args, message] of bad)
    assert.throws(
      () => parseNodeArgs(['--dir', 'x', ...args]),
      (e: Error) => e instanceof ConfigError && message.test(e.message),
      args.join(' '),
    )
})

test.run()
