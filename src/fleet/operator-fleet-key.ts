// The operator's copy of the fleet signing key, $CONFCTL_HOME/fleet.secret (0600): the key
// `node up` and `node provision` install into the nodes they start (fleet-key.ts writes a node
// directory's files), `confctl fleet rotate-key` replaces, and confctl signs fleet-wide join
// tokens with (smoke --fleet). Only the current key is kept here: the previous one, with its
// overlap deadline, lives in each node directory, where the node reads it.
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {BadInputError} from '../errors.js'
import {writeFileAtomic} from './atomic-write.js'
import {FLEET_KEY_FILE, newFleetKey} from './fleet-key.js'
import {withFileLock} from './file-lock.js'
import {confctlHome} from '../store/home.js'

export function operatorFleetKeyPath(home: string = confctlHome()): string {
  return join(home, FLEET_KEY_FILE)
}

async function readKey(file: string): Promise<string | undefined> {
  let text: string
  try {
    text = (await readFile(file, 'utf8')).trim().toLowerCase()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new BadInputError(`cannot read ${file}: ${(err as Error).message}.`)
  }
  if (!/^([0-9a-f]{2}){32,}$/.test(text))
    throw new BadInputError(`${file} must hold a key of at least 32 bytes written as hex digits.`)
  return text
}

/** The fleet key, created on first use. */
export async function operatorFleetKey(home: string = confctlHome()): Promise<string> {
  const file = operatorFleetKeyPath(home)
  return withFileLock(`${file}.lock`, async () => {
    const existing = await readKey(file)
    if (existing) return existing
    const key = newFleetKey()
    await writeFileAtomic(file, key + '\n', 0o600)
    return key
  })
}

/** The fleet key if there is one (never creates it). */
export async function existingOperatorFleetKey(home: string = confctlHome()): Promise<string | undefined> {
  return readKey(operatorFleetKeyPath(home))
}

/** Replaces the fleet key with a new one; returns it. */
export async function replaceOperatorFleetKey(home: string = confctlHome()): Promise<string> {
  const file = operatorFleetKeyPath(home)
  return withFileLock(`${file}.lock`, async () => {
    const key = newFleetKey()
    await writeFileAtomic(file, key + '\n', 0o600)
    return key
  })
}
