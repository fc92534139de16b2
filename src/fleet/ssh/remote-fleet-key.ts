// The fleet signing key on a provisioned node: fleet.secret (and fleet.secret.previous during
// a rotation's overlap) in the node's data directory on its host, written atomically with
// mode 0600 over the node's own SSH connection, as provisioning writes its other small files.
import {posix} from 'node:path'
import {FLEET_KEY_FILE, PREVIOUS_FLEET_KEY_FILE, type FleetKeys} from '../operator-fleet-key.js'
import type {SshNodeEntry} from '../inventory.js'
import {run, writeRemoteFile} from './remote-files.js'
import {remoteLayout} from './remote-layout.js'
import {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'
import {sshOptionsOf} from './tunnel.js'

export async function installRemoteFleetKeys(entry: SshNodeEntry, keys: FleetKeys): Promise<void> {
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    await installFleetKeysOver(session, entry.dir, keys)
  } finally {
    session.close()
  }
}

/** Same, over a session already open (provisioning's). */
export async function installFleetKeysOver(session: SshSession, base: string, keys: FleetKeys): Promise<void> {
  const data = remoteLayout(base).data
  await writeRemoteFile(session, posix.join(data, FLEET_KEY_FILE), keys.current + '\n', 0o600)
  const previous = posix.join(data, PREVIOUS_FLEET_KEY_FILE)
  if (keys.previous) await writeRemoteFile(session, previous, keys.previous + '\n', 0o600)
  else await run(session, `rm -f ${sq(previous)}`, `remove ${previous}`)
}
