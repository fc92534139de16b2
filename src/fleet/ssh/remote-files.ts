// Files on the node's host: the bundle goes up over SFTP into its release directory and
// is verified there by its SHA-256 (computed by the host's own Node.js) before it is
// renamed into place; small files (config, token, run script) are written atomically with
// their mode through the shell.
import {posix} from 'node:path'
import {UnreachableError} from '../../errors.js'
import type {NodeBundle} from './bundle.js'
import {BUNDLE_NAME} from './remote-layout.js'
import {firstLine} from './remote-checks.js'
import type {SshSession} from './ssh-session.js'
import {sq} from './ssh-target.js'

const SHA_JS = `var c=require('crypto'),f=require('fs');try{process.stdout.write(c.createHash('sha256').update(f.readFileSync(process.argv[1])).digest('hex'))}catch(e){process.stdout.write('missing')}`

export async function remoteSha256(session: SshSession, nodeBin: string, file: string): Promise<string | undefined> {
  const r = await session.sh(`exec ${sq(nodeBin)} -e ${sq(SHA_JS)} ${sq(file)}`, {timeoutMs: 60_000})
  const out = r.stdout.trim()
  return /^[0-9a-f]{64}$/.test(out) ? out : undefined
}

/** Puts the bundle at releaseDir/confctl-node.mjs unless an identical one is there already.
 *  Returns whether it uploaded. */
export async function uploadBundle(
  session: SshSession,
  nodeBin: string,
  bundle: NodeBundle,
  releaseDir: string,
  onProgress?: (sent: number, total: number) => void,
): Promise<boolean> {
  const target = posix.join(releaseDir, BUNDLE_NAME)
  if ((await remoteSha256(session, nodeBin, target)) === bundle.sha256) return false
  await run(
    session,
    `umask 077; mkdir -p ${sq(releaseDir)} && chmod 700 ${sq(releaseDir)}`,
    'create the release directory',
  )
  const part = `${target}.part`
  const sftp = await session.sftp()
  await new Promise<void>((resolve, reject) =>
    sftp.fastPut(bundle.file, part, {mode: 0o600, step: (sent, _chunk, total) => onProgress?.(sent, total)}, (err) =>
      err
        ? reject(new UnreachableError(`uploading the node bundle to ${session.label}:${part} failed: ${err.message}.`))
        : resolve(),
    ),
  )
  const got = await remoteSha256(session, nodeBin, part)
  if (got !== bundle.sha256) {
    await session.sh(`rm -f ${sq(part)}`)
    throw new UnreachableError(
      `the node bundle arrived damaged on ${session.label} (SHA-256 ${got ?? 'unreadable'}, expected ${bundle.sha256}); nothing was changed.`,
    )
  }
  await writeRemoteFile(session, `${target}.sha256`, `${bundle.sha256}  ${BUNDLE_NAME}\n`, 0o600)
  await run(session, `mv -f ${sq(part)} ${sq(target)}`, 'move the bundle into place')
  return true
}

/** Writes a small file atomically (temp file + rename) with the given mode. */
export async function writeRemoteFile(session: SshSession, path: string, content: string, mode: number): Promise<void> {
  const tmp = `${path}.confctl-tmp`
  await run(
    session,
    `umask 077; mkdir -p ${sq(posix.dirname(path))} && cat > ${sq(tmp)} && chmod ${mode.toString(8)} ${sq(tmp)} && mv -f ${sq(tmp)} ${sq(path)}`,
    `write ${path}`,
    content,
  )
}

export async function readRemoteFile(session: SshSession, path: string): Promise<string | undefined> {
  const sftp = await session.sftp()
  return new Promise((resolve, reject) =>
    sftp.readFile(path, 'utf8', (err, data) => {
      if (!err) return resolve(String(data))
      if ((err as {code?: number}).code === 2) return resolve(undefined) // SSH_FX_NO_SUCH_FILE
      reject(new UnreachableError(`cannot read ${path} on ${session.label}: ${err.message}.`))
    }),
  )
}

/** Runs a shell script that must succeed; a failure is one sentence naming what it was for. */
export async function run(session: SshSession, script: string, what: string, stdin?: string): Promise<string> {
  const r = await session.sh(script, {stdin, timeoutMs: 120_000})
  if (r.code !== 0) {
    const why = firstLine(r.stderr) || firstLine(r.stdout) || `exit ${r.code}`
    if (/no space left/i.test(why))
      throw new UnreachableError(`${session.label} ran out of disk space trying to ${what}.`)
    throw new UnreachableError(`could not ${what} on ${session.label}: ${why}.`)
  }
  return r.stdout
}
