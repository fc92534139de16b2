// The fleet signing key on a provisioned node, in its data directory on the host: the same
// files and the same order as fleet-key.ts writes in a local node directory (a different key
// there is kept as fleet.secret.previous until fleet.secret.previous-until), written atomically
// with mode 0600 over SSH, as provisioning writes its other small files.
import {posix} from 'node:path'
import {DEFAULT_ROTATION_OVERLAP_MS, FLEET_KEY_FILE, PREVIOUS_KEY_FILE, PREVIOUS_UNTIL_FILE} from '../fleet-key.js'
import type {SshNodeEntry} from '../inventory.js'
import {readRemoteFile, run, writeRemoteFile} from './remote-files.js'
import {remoteLayout} from './remote-layout.js'
import {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'
import {sshOptionsOf} from './tunnel.js'

export async function installRemoteFleetKey(
  entry: SshNodeEntry,
  key: string,
  overlapMs?: number,
): Promise<'written' | 'unchanged' | 'rotated'> {
  const session = await SshSession.connect(sshOptionsOf(entry))
  try {
    return await installFleetKeyOver(session, entry.dir, key, overlapMs)
  } finally {
    session.close()
  }
}

/** Same, over a session already open (provisioning's); `base` is the node's base directory. */
export async function installFleetKeyOver(
  session: SshSession,
  base: string,
  key: string,
  overlapMs = DEFAULT_ROTATION_OVERLAP_MS,
  now = Date.now(),
): Promise<'written' | 'unchanged' | 'rotated'> {
  const data = remoteLayout(base).data
  const file = (name: string) => posix.join(data, name)
  const current = (await readRemoteFile(session, file(FLEET_KEY_FILE)))?.trim()
  if (current === key) return 'unchanged'
  if (current && overlapMs > 0) {
    await writeRemoteFile(session, file(PREVIOUS_UNTIL_FILE), new Date(now + overlapMs).toISOString() + '\n', 0o600)
    await writeRemoteFile(session, file(PREVIOUS_KEY_FILE), current + '\n', 0o600)
  } else if (current) {
    await run(
      session,
      `rm -f ${sq(file(PREVIOUS_KEY_FILE))} ${sq(file(PREVIOUS_UNTIL_FILE))}`,
      'remove the previous fleet key',
    )
  }
  await writeRemoteFile(session, file(FLEET_KEY_FILE), key + '\n', 0o600)
  return current ? 'rotated' : 'written'
}
