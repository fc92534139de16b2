// test-kind: unit
// Where confctl keeps its state: $CONFCTL_HOME, else $XDG_CONFIG_HOME/confctl, else
// ~/.config/confctl (src/store/home.ts), and the paths under it (src/fleet/paths.ts).
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {inventoryPath, nodeDir} from '../../src/fleet/paths.js'
import {confctlHome} from '../../src/store/home.js'

test('CONFCTL_HOME wins, also over XDG_CONFIG_HOME; a relative one is taken from the cwd', () => {
  assert.is(confctlHome({CONFCTL_HOME: '/srv/confctl', XDG_CONFIG_HOME: '/x'}), '/srv/confctl')
  assert.is(confctlHome({CONFCTL_HOME: 'state'}), resolve('state'))
})

test('XDG_CONFIG_HOME/confctl without CONFCTL_HOME; blank or relative XDG values are ignored', () => {
  assert.is(confctlHome({XDG_CONFIG_HOME: '/home/u/cfg'}), '/home/u/cfg/confctl')
  assert.is(confctlHome({CONFCTL_HOME: '  ', XDG_CONFIG_HOME: '/home/u/cfg'}), '/home/u/cfg/confctl')
  assert.is(confctlHome({XDG_CONFIG_HOME: ' '}), join(homedir(), '.config', 'confctl'))
  assert.is(confctlHome({XDG_CONFIG_HOME: 'relative/cfg'}), join(homedir(), '.config', 'confctl'))
  assert.is(confctlHome({}), join(homedir(), '.config', 'confctl'))
})

test('fleet.yaml and node directories live under the home', () => {
  assert.is(inventoryPath('/h'), '/h/fleet.yaml')
  assert.is(nodeDir('edge', '/h'), '/h/nodes/edge')
})

test.run()
