// test-kind: unit
// Where confctl keeps its state (src/store/home.ts): $CONFCTL_HOME, else $XDG_CONFIG_HOME/confctl
// (the XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and ignored), else
// ~/.config/confctl.
import {test} from 'uvu'
import * as assert from 'uvu/assert'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {confctlHome} from '../../src/store/home.js'

test('CONFCTL_HOME wins over XDG_CONFIG_HOME; a relative one is taken from the cwd', () => {
  assert.is(confctlHome({CONFCTL_HOME: '/srv/confctl', XDG_CONFIG_HOME: '/x'}), '/srv/confctl')
  assert.is(confctlHome({CONFCTL_HOME: 'state'}), resolve(process.cwd(), 'state'))
  assert.is(confctlHome({CONFCTL_HOME: '  /srv/c  '}), '/srv/c', 'surrounding spaces are not part of a path')
})

test('XDG_CONFIG_HOME/confctl when absolute; a relative one is ignored (XDG spec)', () => {
  assert.is(confctlHome({XDG_CONFIG_HOME: '/home/a/.cfg'}), '/home/a/.cfg/confctl')
  assert.is(confctlHome({XDG_CONFIG_HOME: 'rel/cfg'}), join(homedir(), '.config', 'confctl'))
})

test('empty or blank variables count as unset', () => {
  const fallback = join(homedir(), '.config', 'confctl')
  assert.is(confctlHome({}), fallback)
  assert.is(confctlHome({CONFCTL_HOME: '', XDG_CONFIG_HOME: ' '}), fallback)
  assert.is(confctlHome({CONFCTL_HOME: '   ', XDG_CONFIG_HOME: '/cfg'}), '/cfg/confctl')
})

test.run()
