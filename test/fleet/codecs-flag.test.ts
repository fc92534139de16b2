// test-kind: unit
// `confctl node up --codecs opus,vp8,...` reaches the node's command line, is kept in
// fleet.yaml in the node's spelling, is cleared with "", and bad names are refused with the
// flag named, before anything is recorded; the node's own parser reads the value back.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {parseInventory, serializeInventory} from '../../src/fleet/inventory.js'
import {nodeArgs} from '../../src/fleet/node-args.js'
import {localEntryFromFlags} from '../../src/fleet/local-entry-from-flags.js'
import {parseNodeArgs} from '../../src/sfu/node-config.js'
import {badInput} from '../helpers/assert-bad-input.js'

test('recorded, passed and read back by the node; kept when left out; "" clears it', () => {
  const entry = localEntryFromFlags({name: 'edge', codecs: 'opus,vp8,H264'}, undefined, '/tmp/confctl-home')
  assert.is(entry.codecs, 'opus,VP8,H264')
  assert.equal(parseNodeArgs(nodeArgs(entry)).codecs, ['opus', 'VP8', 'H264'])
  const recorded = parseInventory(serializeInventory({version: 1, nodes: [entry]}), 'fleet.yaml').nodes[0]!
  assert.is(
    localEntryFromFlags({name: 'edge'}, recorded, '/tmp/confctl-home').codecs,
    'opus,VP8,H264',
    'kept when left out',
  )
  const cleared = localEntryFromFlags({name: 'edge', codecs: ''}, recorded, '/tmp/confctl-home')
  assert.is(cleared.codecs, undefined)
  assert.not.ok(nodeArgs(cleared).includes('--codecs'))
  assert.equal(parseNodeArgs(nodeArgs(cleared)).codecs, ['opus', 'VP8', 'VP9', 'H264', 'AV1'], 'all codecs by default')
})

test('bad names are refused naming the flag; a hand-edited fleet.yaml is checked too', () => {
  badInput(() => localEntryFromFlags({codecs: 'opus,theora'}, undefined), '--codecs', 'theora')
  const entry = localEntryFromFlags({name: 'edge'}, undefined, '/tmp/confctl-home')
  const yaml = serializeInventory({version: 1, nodes: [entry]}).replace(
    '    kind: local\n',
    '    kind: local\n    codecs: opus,mp3\n',
  )
  assert.throws(
    () => parseInventory(yaml, 'fleet.yaml'),
    /codecs must list codecs out of opus,VP8,VP9,H264,AV1, not 'mp3'/,
  )
})

test.run()
