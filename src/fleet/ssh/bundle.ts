// The single-file node bundle on this machine (scripts/bundle-node.js writes it to
// dist/node-bundle/ at `npm run build`): its file, version and SHA-256, checked against the
// file itself before it is sent anywhere.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {BadInputError} from '../../errors.js'

export interface NodeBundle {
  file: string
  version: string
  sha256: string
  bytes: number
}

/** dist/node-bundle of this package (dist/src/fleet/ssh/bundle.js -> dist/node-bundle). */
export function defaultBundleDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'node-bundle')
}

interface Manifest {
  version?: unknown
  file?: unknown
  sha256?: unknown
}

/**
 * `path`: a bundle directory (with manifest.json), a manifest.json, or the .mjs itself
 * (version and checksum then come from the manifest.json beside it). Default: the bundle
 * built with this package.
 */
export function findBundle(path?: string): NodeBundle {
  const given = path !== undefined
  const p = resolve(path ?? defaultBundleDir())
  const hint = given ? '' : '; build it with `npm run build`'
  if (!existsSync(p)) throw new BadInputError(`there is no node bundle at ${p}${hint}.`)
  const isDir = statSync(p).isDirectory()
  const manifestFile = isDir ? join(p, 'manifest.json') : p.endsWith('.json') ? p : join(dirname(p), 'manifest.json')
  let manifest: Manifest
  try {
    manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'is not valid JSON'
    throw new BadInputError(`the node bundle's manifest ${manifestFile} ${why}${hint}.`)
  }
  if (
    typeof manifest.version !== 'string' ||
    typeof manifest.file !== 'string' ||
    typeof manifest.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(manifest.sha256)
  ) {
    throw new BadInputError(`the node bundle's manifest ${manifestFile} lacks version, file or sha256.`)
  }
  const file = join(dirname(manifestFile), basename(manifest.file))
  if (!isDir && !p.endsWith('.json') && file !== p) {
    throw new BadInputError(`${manifestFile} describes ${manifest.file}, not ${basename(p)}.`)
  }
  let data: Buffer
  try {
    data = readFileSync(file)
  } catch {
    throw new BadInputError(`the node bundle ${file} named by ${manifestFile} is missing${hint}.`)
  }
  const sha256 = createHash('sha256').update(data).digest('hex')
  if (sha256 !== manifest.sha256) {
    throw new BadInputError(
      `the node bundle ${file} does not match the checksum in ${manifestFile} (it was changed after the build); rebuild it.`,
    )
  }
  return {file, version: manifest.version, sha256, bytes: data.length}
}
