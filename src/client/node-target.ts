// Which node a smoke check runs against: public URL (WHIP/WHEP), admin URL and admin token
// (to issue join tokens). Kept in one place so the lookup can follow the fleet code as it
// grows (ssh tunnels, remote inventories) without touching the smoke logic.
import {readFile} from 'node:fs/promises'
import {BadInputError} from '../errors.js'
import {AdminClient} from '../fleet/admin-client.js'
import {nodeEndpoint} from '../fleet/endpoint.js'
import {resolveNode} from '../fleet/resolve-node.js'

export interface SmokeTarget {
  name: string
  publicUrl: string
  adminUrl: string
  adminToken: string
}

/** `--node N`: the node from fleet.yaml ($CONFCTL_HOME), with its live state.json and token. */
export async function targetFromInventory(name: string): Promise<SmokeTarget> {
  const entry = await resolveNode(name)
  const ep = await nodeEndpoint(entry)
  const publicUrl = ep.publicUrl ?? (await adminClient(entry.name, ep.adminUrl, ep.token).node()).publicUrl
  return {name: entry.name, publicUrl, adminUrl: ep.adminUrl, adminToken: ep.token}
}

/** `--url ADMIN_URL --admin-token-file FILE`: any node, asked for its name and public URL. */
export async function targetFromAdminUrl(adminUrl: string, tokenFile: string | undefined): Promise<SmokeTarget> {
  let url: URL
  try {
    url = new URL(adminUrl)
  } catch {
    throw new BadInputError(`--url must be the node's admin URL such as http://127.0.0.1:8081, not '${adminUrl}'.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new BadInputError(`--url must be an http(s) URL, not '${adminUrl}'.`)
  if (!tokenFile) throw new BadInputError("--url needs --admin-token-file, the file holding that node's admin token.")
  let token: string
  try {
    token = (await readFile(tokenFile, 'utf8')).trim()
  } catch (err) {
    throw new BadInputError(
      `cannot read the admin token file ${tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
    )
  }
  if (!token) throw new BadInputError(`the admin token file ${tokenFile} is empty.`)
  // Goes into an HTTP header verbatim: a wrong file (JSON, a key pair) must not get that far.
  if (/[\s\x00-\x1f\x7f]/.test(token))
    throw new BadInputError(
      `the admin token file ${tokenFile} does not hold a single token (it contains spaces or several lines).`,
    )
  const base = adminUrl.replace(/\/+$/, '')
  const info = await adminClient(url.host, base, token).node()
  return {name: info.name, publicUrl: info.publicUrl, adminUrl: base, adminToken: token}
}

export function adminClient(nodeName: string, adminUrl: string, token: string): AdminClient {
  return new AdminClient({nodeName, adminUrl, token})
}
