// test-kind: unit
// The node settings of `node provision`: flags checked before connecting, then merged with
// the values recorded on the host (a flag left out keeps its recorded value).
import {suite} from 'uvu'
import * as assert from 'uvu/assert'
import {checkSettingFlags, resolveSettings, settingsDiff} from '../../../src/fleet/ssh/provision-settings.js'
import type {RemoteNodeConfig} from '../../../src/fleet/ssh/remote-layout.js'
import {badInput} from '../../helpers/assert-bad-input.js'

const recorded: RemoteNodeConfig = {
  format: 1,
  name: 'edge1',
  version: '0.1.0',
  sha256: 'a'.repeat(64),
  release: '0.1.0-aaaaaaaaaaaa',
  nodeBin: '/usr/bin/node',
  supervisor: 'pidfile',
  host: '0.0.0.0',
  port: 9000,
  adminPort: 9001,
  adminHost: '127.0.0.1',
  rtcPorts: [41000, 41099],
  announceIp: '203.0.113.10',
  publicUrl: 'http://203.0.113.10:9000',
  provisionedAt: '2026-01-01T00:00:00.000Z',
}

const merge = suite('resolveSettings')

merge('a first provision gets the defaults', () => {
  assert.equal(resolveSettings({}, undefined, 'media1.example.org'), {
    host: '0.0.0.0',
    port: 8080,
    adminPort: 8081,
    rtcPorts: [40000, 40199],
    announceIp: undefined,
    publicUrl: 'http://media1.example.org:8080',
  })
})

merge('flags left out keep the recorded values', () => {
  const s = resolveSettings({}, recorded, 'media1.example.org')
  assert.is(settingsDiff(recorded, s), undefined, 'nothing differs')
})

merge('a default public URL follows a new port; an explicit one stays', () => {
  assert.is(resolveSettings({port: 9100}, recorded, 'h').publicUrl, 'http://203.0.113.10:9100')
  const explicit = {...recorded, publicUrl: 'https://media.example.org'}
  assert.is(resolveSettings({port: 9100}, explicit, 'h').publicUrl, 'https://media.example.org')
  assert.is(resolveSettings({port: 9100, publicUrl: null}, explicit, 'h').publicUrl, 'http://203.0.113.10:9100')
})

merge("'' clears the announce IP (the public URL then names the host)", () => {
  const s = resolveSettings(checkSettingFlags({announceIp: ''}), recorded, 'media1.example.org')
  assert.equal([s.announceIp, s.publicUrl], [undefined, 'http://media1.example.org:9000'])
  assert.is(settingsDiff(recorded, s), '--announce-ip 203.0.113.10, --public-url http://203.0.113.10:9000')
})

merge('a port that meets the recorded admin port is refused, naming the other flag', () => {
  badInput(() => resolveSettings({port: 9001}, recorded, 'h'), 'both would be 9001', 'give another --admin-port')
})

const flags = suite('checkSettingFlags')

flags('each bad value is one sentence naming its flag', () => {
  badInput(() => checkSettingFlags({port: 'x'}), '--port')
  badInput(() => checkSettingFlags({adminPort: '70000'}), '--admin-port')
  badInput(() => checkSettingFlags({rtcPorts: '5-1'}), '--rtc-ports')
  badInput(() => checkSettingFlags({announceIp: 'media.example.org'}), '--announce-ip', 'media.example.org')
  badInput(() => checkSettingFlags({publicUrl: 'ftp://x'}), '--public-url', 'ftp://x')
  badInput(() => checkSettingFlags({port: '9000', adminPort: '9000'}), 'must differ')
})

merge.run()
flags.run()
