// test-kind: unit
// H.264 profile-level-id (src/sfu/h264-profile.ts). Known values from RFC 6184 §8.1 and
// libwebrtc's h264_profile_level_id unit tests, which this parser is meant to agree with.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {DEFAULT_PROFILE_LEVEL_ID, levelName, parseProfileLevelId} from '../../src/sfu/h264-profile.js'

const profile = (id: string) => parseProfileLevelId(id)?.profile

test('Constrained Baseline in all its spellings (libwebrtc TestParsingConstrainedBaseline)', () => {
  for (const id of ['42e01f', '42C02A', '4de01f', '58f01f', '4d801f'])
    assert.is(profile(id), 'constrained-baseline', id)
})

test('Baseline, Main, High and Constrained High', () => {
  assert.is(profile('42001f'), 'baseline')
  assert.is(profile('42a01f'), 'baseline')
  assert.is(profile('58A01F'), 'baseline')
  assert.is(profile('4d401f'), 'main')
  assert.is(profile('64001f'), 'high')
  assert.is(profile('640c1f'), 'constrained-high')
})

test('levels: level_idc in decimal tenths; level 1b is 11 with constraint_set3 (RFC 6184 §8.1)', () => {
  assert.is(parseProfileLevelId('42e01f')?.level, 31)
  assert.is(parseProfileLevelId('42e00b')?.level, 11)
  assert.is(parseProfileLevelId('42f00b')?.level, 9)
  assert.is(parseProfileLevelId('42C02A')?.level, 42)
  assert.is(parseProfileLevelId('640c34')?.level, 52)
  // constraint_set3 in High is not "1b": High has no level 1b.
  assert.is(parseProfileLevelId('64100b')?.level, undefined, 'iop 0x10 is no High pattern')
})

test('the RFC default 42000a is Baseline level 1', () => {
  assert.equal(parseProfileLevelId(DEFAULT_PROFILE_LEVEL_ID), {profile: 'baseline', level: 10})
})

test('malformed or unknown ids are undefined (libwebrtc TestParsingInvalid)', () => {
  for (const id of ['', ' 42e01f', '42e01f1', '42e0', 'e01f', '4242XX', '4242-1', 'ffffff', '42e01f ', '6d001f'])
    assert.is(parseProfileLevelId(id), undefined, JSON.stringify(id))
  // Main with the reserved low iop bits set matches no pattern.
  assert.is(parseProfileLevelId('4d011f'), undefined)
})

test('levelName writes levels as people do', () => {
  assert.is(levelName(31), '3.1')
  assert.is(levelName(52), '5.2')
  assert.is(levelName(9), '1b')
})

test.run()
