// test-kind: unit
// The --codecs value (src/api/codec-names.ts), shared by `node up` and the node itself.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {ALL_CODECS, canonicalName, parseCodecList} from '../../src/api/codec-names.js'

test('any case and spaces around commas; canonical spelling out, order kept, duplicates dropped', () => {
  assert.equal(parseCodecList('vp8, OPUS ,h264,Vp8', '--codecs'), ['VP8', 'opus', 'H264'])
  assert.equal(parseCodecList(ALL_CODECS.join(','), '--codecs'), [...ALL_CODECS])
})

test('an unknown codec: one sentence naming the flag, the choices and the bad name', () => {
  assert.throws(
    () => parseCodecList('opus,h265', '--codecs'),
    (err: Error) => err.message === "--codecs must list codecs out of opus,VP8,VP9,H264,AV1, not 'h265'",
  )
})

test('an empty item names the whole value (an empty name would say nothing)', () => {
  assert.throws(
    () => parseCodecList('opus,,VP8', 'codecs in fleet.yaml'),
    (err: Error) => err.message.startsWith('codecs in fleet.yaml must') && err.message.endsWith("not 'opus,,VP8'"),
  )
  assert.throws(() => parseCodecList('', '--codecs'), /not ''/)
})

test('canonicalName matches whole names only', () => {
  assert.is(canonicalName('av1'), 'AV1')
  assert.is(canonicalName('OPUS'), 'opus')
  assert.is(canonicalName('VP'), undefined)
  assert.is(canonicalName('rtx'), undefined)
})

test.run()
