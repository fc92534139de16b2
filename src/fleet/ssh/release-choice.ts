// Which release `node provision` runs on a host where a node is installed already. Running
// it again to restart a node must not swap its bundle: without --bundle, the installed
// release stays (an upgraded node keeps its upgrade). Another bundle is installed only when
// asked for, or when the installed one is gone from the host, and one older than the
// installed version only with --allow-downgrade.
import semver from 'semver'
import {posix} from 'node:path'
import {BadInputError} from '../../errors.js'
import type {NodeBundle} from './bundle.js'
import {remoteSha256} from './remote-files.js'
import {BUNDLE_NAME, releaseId, remoteLayout, type RemoteNodeConfig} from './remote-layout.js'
import type {SshSession} from './ssh-session.js'

export interface ReleaseToRun {
  version: string
  sha256: string
  release: string
  /** The bundle to upload; absent when the installed release is kept. */
  bundle?: NodeBundle
}

export interface ReleaseRequest {
  /** The bundle named with --bundle, or the one shipped with confctl. */
  bundle: NodeBundle
  /** Whether --bundle was given (the shipped bundle does not replace an installed one). */
  explicit: boolean
  allowDowngrade: boolean
}

export async function chooseRelease(
  session: SshSession,
  nodeBin: string,
  base: string,
  installed: RemoteNodeConfig | undefined,
  req: ReleaseRequest,
): Promise<ReleaseToRun> {
  const offered: ReleaseToRun = {
    version: req.bundle.version,
    sha256: req.bundle.sha256,
    release: releaseId(req.bundle.version, req.bundle.sha256),
    bundle: req.bundle,
  }
  if (!installed || installed.sha256 === req.bundle.sha256) return offered
  if (!req.explicit) {
    const file = posix.join(remoteLayout(base).releases, installed.release, BUNDLE_NAME)
    if ((await remoteSha256(session, nodeBin, file)) === installed.sha256) {
      return {version: installed.version, sha256: installed.sha256, release: installed.release}
    }
  }
  if (isOlder(req.bundle.version, installed.version) && !req.allowDowngrade) {
    const why = req.explicit ? '' : ` (its release directory ${installed.release} is gone from the host)`
    throw new BadInputError(
      `node '${installed.name}' on ${session.label} has version ${installed.version} installed${why}, newer than the bundle's ${req.bundle.version}; pass --allow-downgrade to install the older one.`,
    )
  }
  return offered
}

/** a < b as semantic versions; a version that is not one cannot be shown to be newer, so
 *  it counts as older unless the two are equal. */
export function isOlder(a: string, b: string): boolean {
  if (a === b) return false
  if (!semver.valid(a) || !semver.valid(b)) return true
  return semver.lt(a, b)
}
