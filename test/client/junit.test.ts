// test-kind: e2e (Python parses the XML)
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {spawnSync} from 'node:child_process'
import {smokeJunitXml} from '../../src/client/junit.js'
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

/** The document as an independent XML parser (Python's ElementTree) reads it: it must parse,
 *  and every element comes back with its attributes and text (CDATA unwrapped). */
interface El {
  tag: string
  attrib: Record<string, string>
  text: string
  children: El[]
}
function parseXml(xml: string): El {
  const script = [
    'import sys, json, xml.etree.ElementTree as ET',
    'def conv(e): return {"tag": e.tag, "attrib": e.attrib, "text": (e.text or "").strip(), "children": [conv(c) for c in e]}',
    'print(json.dumps(conv(ET.fromstring(sys.stdin.buffer.read()))))',
  ].join('\n')
  const r = spawnSync('python3', ['-c', script], {input: xml, encoding: 'utf8'})
  assert.is(r.status, 0, `not well-formed XML: ${r.stderr}\n${xml}`)
  return JSON.parse(r.stdout)
}
const all = (e: El, tag: string): El[] => [...(e.tag === tag ? [e] : []), ...e.children.flatMap((c) => all(c, tag))]

test('junit: one testcase per stream, failure only on the failed one, counts in the suite', () => {
  const xml = smokeJunitXml(report(), new Date('2026-01-02T03:04:05.678Z'))
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'))
  assert.is(xml.match(/<testcase /g)?.length, 2)
  assert.is(xml.match(/<failure /g)?.length, 1)
  const root = parseXml(xml)
  assert.is(root.tag, 'testsuites')
  assert.is(root.attrib.name, 'confctl smoke')
  assert.equal([root.attrib.tests, root.attrib.failures, root.attrib.errors], ['2', '1', '0'])
  const [suite] = all(root, 'testsuite')
  assert.equal(
    {...suite!.attrib},
    {
      name: 'confctl smoke edge<1>&"co"',
      tests: '2',
      failures: '1',
      errors: '0',
      skipped: '0',
      time: '8',
      timestamp: '2026-01-02T03:04:05',
    },
  )
  assert.equal(
    all(root, 'property').map((p) => [p.attrib.name, p.attrib.value]),
    [
      ['node', 'edge<1>&"co"'],
      ['room', "smoke-'abc'"],
      ['maxLossPercent', '1'],
      ['maxJitterMs', '30'],
    ],
  )
  const cases = all(root, 'testcase')
  assert.equal(
    cases.map((c) => c.attrib),
    [
      {classname: "smoke.smoke-'abc'", name: 'smoke-sub-1 <- smoke-pub-1 audio', time: '8'},
      {classname: "smoke.smoke-'abc'", name: 'smoke-sub-1 <- smoke-pub-1 video', time: '8'},
    ],
  )
  assert.equal(all(cases[0]!, 'failure'), [])
  const [failure] = all(cases[1]!, 'failure')
  assert.equal(failure!.attrib, {
    message: 'packet loss 2.91% is above 1%; jitter 45 ms is above 30 ms <&>',
    type: 'SmokeThreshold',
  })
  assert.is(failure!.text, 'packet loss 2.91% is above 1%\njitter 45 ms is above 30 ms <&>')
  assert.is(
    all(cases[1]!, 'system-out')[0]!.text,
    'codec=VP8 packetsReceived=300 packetsLost=9 lossPercent=2.91 jitterMs=45 framesDecoded=120 timeToFirstFrameMs=n/a',
  )
  assert.match(all(cases[0]!, 'system-out')[0]!.text, /samplesReceived=384000 timeToFirstFrameMs=150/)
})

test('junit: text from outside cannot break the document (specials, control characters, lone surrogates, "]]>")', () => {
  const r = report()
  r.node = 'n\u0000o\u0007d\u001Be\uFFFE <x> & \uD800 😀 ü'
  r.streams[1]!.codec = 'VP8]]>x]]>y'
  r.streams[1]!.failures = ['a ]]> b ]]> c', 'tab\tand\nnewline \uDC00 <&>']
  const root = parseXml(smokeJunitXml(r))
  // Characters XML 1.0 cannot carry are dropped; real text, tab and newline stay.
  assert.is(all(root, 'testsuite')[0]!.attrib.name, 'confctl smoke node <x> &  😀 ü')
  const video = all(root, 'testcase')[1]!
  assert.match(all(video, 'system-out')[0]!.text, /^codec=VP8\]\] >x\]\] >y packetsReceived=300/)
  // xmlbuilder drops a lone low surrogate together with the character before it: garbage in,
  // one character less out, the document still well formed.
  assert.match(all(video, 'failure')[0]!.text, /^a \]\] > b \]\] > c\ntab\tand\nnewline ?<&>$/)
  assert.match(all(video, 'failure')[0]!.attrib.message!, /^a \]\]> b \]\]> c; tab\tand\nnewline ?<&>$/)
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
