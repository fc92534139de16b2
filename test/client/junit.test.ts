// test-kind: unit
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {smokeJunitXml, xmlEscape} from '../../src/client/junit.js'
import type {SmokeReport} from '../../src/client/smoke-report.js'

const report = (): SmokeReport => ({
  passed: false,
  node: 'edge<1>&"co"',
  room: "smoke-'abc'",
  durationSeconds: 8,
  thresholds: {maxLossPercent: 1, maxJitterMs: 30},
  streams: [
    {
      subscriber: 'smoke-sub-1',
      publisher: 'smoke-pub-1',
      kind: 'audio',
      codec: 'opus',
      packetsReceived: 400,
      packetsLost: 0,
      lossPercent: 0,
      jitterMs: 2,
      samplesReceived: 384000,
      timeToFirstFrameMs: 150,
      passed: true,
      failures: [],
    },
    {
      subscriber: 'smoke-sub-1',
      publisher: 'smoke-pub-1',
      kind: 'video',
      codec: 'VP8',
      packetsReceived: 300,
      packetsLost: 9,
      lossPercent: 2.91,
      jitterMs: 45,
      framesDecoded: 120,
      passed: false,
      failures: ['packet loss 2.91% is above 1%', 'jitter 45 ms is above 30 ms <&>'],
    },
  ],
})

test('xmlEscape: the five XML specials', () => {
  assert.is(xmlEscape(`a&b<c>d"e'f`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f')
  // Already-escaped text is escaped again, not passed through: the writer never trusts its input.
  assert.is(xmlEscape('&amp;'), '&amp;amp;')
})

test('xmlEscape: drops characters XML 1.0 cannot carry, keeps tab/newline and real text', () => {
  assert.is(xmlEscape('a\u0000b\u0007c\u001Bd\uFFFEe'), 'abcde')
  assert.is(xmlEscape('t\ta\nb\rc'), 't\ta\nb\rc')
  assert.is(xmlEscape('lone \uD800 high, lone \uDC00 low'), 'lone  high, lone  low')
  assert.is(xmlEscape('emoji 😀 ü'), 'emoji 😀 ü')
  assert.is(xmlEscape(42), '42')
})

test('junit: one testcase per stream, failure only on the failed one, counts in the suite', () => {
  const xml = smokeJunitXml(report(), new Date('2026-01-02T03:04:05.678Z'))
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'))
  assert.is(xml.match(/<testcase /g)?.length, 2)
  assert.is(xml.match(/<failure /g)?.length, 1)
  assert.match(
    xml,
    /<testsuite name="confctl smoke edge&lt;1&gt;&amp;&quot;co&quot;" tests="2" failures="1" errors="0" time="8" timestamp="2026-01-02T03:04:05">/,
  )
  assert.match(xml, /name="smoke-sub-1 &lt;- smoke-pub-1 video"/)
  assert.match(
    xml,
    /<failure message="packet loss 2.91% is above 1%; jitter 45 ms is above 30 ms &lt;&amp;&gt;" type="SmokeThreshold">/,
  )
  assert.match(xml, /<property name="room" value="smoke-&apos;abc&apos;"\/>/)
  assert.match(xml, /framesDecoded=120 timeToFirstFrameMs=n\/a/)
})

test('junit: the document is well formed (tags balance, no raw specials in text)', () => {
  const xml = smokeJunitXml(report())
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '')
  const stack: string[] = []
  for (const m of body.matchAll(/<(\/?)([a-z-]+)((?:\s+[a-zA-Z]+="[^"<]*")*)\s*(\/?)>/g)) {
    if (m[1]) assert.is(stack.pop(), m[2])
    else if (!m[4]) stack.push(m[2]!)
  }
  assert.equal(stack, [])
  // Outside tags, every '&' starts an entity and no '<' or '>' is left.
  const text = body.replace(/<[^>]*>/g, '')
  assert.not.match(text, /[<>]/)
  assert.not.match(text, /&(?!(amp|lt|gt|quot|apos);)/)
})

test('junit: a passing report has no failure elements', () => {
  const r = report()
  r.streams = [r.streams[0]!]
  r.passed = true
  const xml = smokeJunitXml(r)
  assert.not.match(xml, /<failure/)
  assert.match(xml, /tests="1" failures="0"/)
})

test.run()
