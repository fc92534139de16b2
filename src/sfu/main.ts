// The SFU node program: `node dist/src/sfu/main.js --dir DIR [options]` (see node-config.ts).
// Wires the stores, the room registry and the two HTTP servers, writes state.json once it
// listens, and shuts down cleanly on SIGTERM/SIGINT (closing every peer, marking every
// session as left, removing state.json).
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {createServer as createHttpsServer} from 'node:https'
import {mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync, renameSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {AddressInfo} from 'node:net'
import {join, resolve} from 'node:path'
import type {NodeInfo, NodeStateFile} from '../api/node-api.js'
import {AccessLog} from './access-log.js'
import {adminUrlOf, adminWarnings, readAdminTls} from '../api/admin-exposure.js'
import {createAdminHandler} from './http/admin-api.js'
import {logAccess} from './http/http-kit.js'
import {answerClientErrors} from './http/client-errors.js'
import {ADMIN_LIMITS, guardConnections, publicLimits, serverOptions} from './http/connection-guard.js'
import {createPublicHandler} from './http/public-api.js'
import {ConfigError, parseNodeArgs, type NodeConfig} from './node-config.js'
import {NodeLoad} from './node-load.js'
import {loadNodeSecrets, loadOrCreateNodeId} from './node-secrets.js'
import {ReloadingJoinKeys} from './reloading-join-keys.js'
import {fleetMembership} from './fleet-membership.js'
import {JoinTokenVerifier} from './join-token-verifier.js'
import {TokenRevocations} from './token-revocations.js'
import {RoomRegistry} from './room-registry.js'
import {SessionBudget} from './session-budget.js'
import {nodeHealth} from './node-health.js'
import {SessionStore} from './session-store.js'
import {QoeRecorder} from './qoe-recorder.js'

/** Set by scripts/bundle-node.js in the single-file bundle, which has no package.json beside it. */
declare const __CONFCTL_NODE_VERSION__: string | undefined

function nodeVersion(): string {
  if (typeof __CONFCTL_NODE_VERSION__ === 'string') return __CONFCTL_NODE_VERSION__
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'))
    return String(pkg.version)
  } catch {
    return process.env.CONFCTL_NODE_VERSION ?? '0.0.0'
  }
}

/** Linux caps it at net.core.somaxconn (4096 by default since 5.4). */
const LISTEN_BACKLOG = 4096

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // A deep accept queue: a burst of connections (a class joining at 8:00, or a flood) waits
    // there to be accepted and counted by the caps, not dropped by the kernel mid-handshake.
    server.listen({port, host, backlog: LISTEN_BACKLOG}, () => resolve((server.address() as AddressInfo).port))
  })
}

const urlHost = (host: string) =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host

export async function startNode(config: NodeConfig) {
  // Checked before anything is written: a cap that does not fit the open-file limit is refused.
  const limits = publicLimits({
    requested: config.maxConnections,
    perIp: config.maxConnectionsPerIp,
    rtcPortCount: config.rtcPorts[1] - config.rtcPorts[0] + 1,
  })
  const adminTls = readAdminTls(config) // before anything is opened: a bad file is a one-line exit 2
  if (typeof adminTls === 'string') throw new ConfigError(adminTls)
  mkdirSync(config.dir, {recursive: true, mode: 0o700})
  const secrets = loadNodeSecrets(config.dir)
  const id = loadOrCreateNodeId(config.dir)
  const sessions = new SessionStore(join(config.dir, 'node.db'))
  const accessLog = new AccessLog(join(config.dir, 'access.log'), {
    maxBytes: config.accessLogMaxBytes,
    maxAgeSeconds: config.accessLogMaxAgeSeconds,
  })
  const registry = new RoomRegistry(sessions, (line) => process.stdout.write(`confctl-node: ${line}\n`))
  const budget = new SessionBudget({maxSessions: config.maxSessions, maxSessionsPerIp: config.maxSessionsPerIp})
  const load = new NodeLoad()
  const qoe = new QoeRecorder(sessions.db, registry, config.qoeIntervalSeconds, config.qoeRetentionSeconds)
  const log = (line: string) => process.stdout.write(`confctl-node: ${line}\n`)
  const coordinated = config.coordination
  const keys = new ReloadingJoinKeys(config.dir, secrets.joinSecret, coordinated !== undefined, log)
  const revocations = new TokenRevocations(sessions.db)
  const tokens = new JoinTokenVerifier({keys: keys.current().all, nodeId: id, revocations})
  keys.onReload((k) => tokens.setKeys(k.all))
  const startedAt = new Date()
  const version = nodeVersion()
  let publicUrl = ''
  const warnings: string[] = [] // filled once the admin port is known
  const membership = coordinated
    ? fleetMembership({
        config: coordinated,
        id,
        name: config.name,
        version,
        startedAt,
        publicUrl: () => publicUrl,
        registry,
        load,
        keys,
        log,
      })
    : undefined
  const coordination = membership?.coordination

  const nodeInfo = (): NodeInfo => ({
    id,
    name: config.name,
    version,
    startedAt: startedAt.toISOString(),
    uptimeSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    draining: registry.draining,
    publicUrl,
    load: load.snapshot(),
    counts: registry.counts(),
    warnings: [...warnings, ...keys.warnings()],
    ...(membership ? {coordination: membership.info()} : {}),
  })

  const publicHandler = createPublicHandler({
    registry,
    tokens: {
      verify: (token) => {
        keys.current() // re-read after a rotation before the token is checked
        return tokens.verify(token)
      },
    },
    peer: {rtcPorts: config.rtcPorts, announceIp: config.announceIp, codecs: config.codecs},
    budget,
    connectTimeoutMs: config.connectTimeoutSeconds * 1000,
    iceServers: config.iceServers,
    ...(membership ? {fleet: membership.routing} : {}),
  })
  const adminHandler = createAdminHandler({
    registry,
    adminToken: secrets.adminToken,
    tokens: {
      signingKey: keys.current().signing,
      nodeId: id,
      revocations,
      // Coordinated: tokens valid on every node, since any node may take (and relay) the request.
      ...(coordinated ? {fleetKey: () => keys.current().fleet} : {}),
    },
    nodeInfo,
    qoe,
    health: () => ({
      ...nodeHealth(registry, budget),
      ...(coordination ? {coordination: coordination.status} : {}),
    }),
    onDrainChange: () => void coordination?.beat(),
    sessionCounters: () => ({ended: registry.ended, refused: budget.refusals}),
  })
  const publicServer = createServer(serverOptions(limits), (req, res) => {
    logAccess(accessLog, 'public', req, res)
    void publicHandler(req, res)
  })
  const onAdminRequest = (req: IncomingMessage, res: ServerResponse) => {
    logAccess(accessLog, 'admin', req, res)
    void adminHandler(req, res)
  }
  // HTTPS when a certificate is configured (admin-exposure.ts says when one is required).
  const adminServer: Server = adminTls
    ? createHttpsServer({...serverOptions(ADMIN_LIMITS), ...adminTls}, onAdminRequest)
    : createServer(serverOptions(ADMIN_LIMITS), onAdminRequest)
  const note = (line: string) => process.stdout.write(`confctl-node: ${line}\n`)
  guardConnections(publicServer, limits, (line) => note(`public port ${line}`))
  guardConnections(adminServer, ADMIN_LIMITS, (line) => note(`admin port ${line}`))
  answerClientErrors(publicServer, accessLog, 'public')
  answerClientErrors(adminServer, accessLog, 'admin')
  const port = await listen(publicServer, config.port, config.host)
  const adminPort = await listen(adminServer, config.adminPort, config.adminHost)
  warnings.push(...adminWarnings(config, adminPort))
  publicUrl = `http://${config.announceIp ?? urlHost(config.host)}:${port}`
  const state: NodeStateFile = {
    pid: process.pid,
    id,
    name: config.name,
    version,
    publicUrl,
    adminUrl: adminUrlOf(config, adminPort).url,
    ...(config.adminTlsCert ? {adminTlsCert: resolve(config.adminTlsCert)} : {}),
    rtcPorts: config.rtcPorts,
    startedAt: startedAt.toISOString(),
  }
  // Registered once the public URL is known; resolves even when Redis is away (degraded).
  await coordination?.start()
  const statePath = join(config.dir, 'state.json')
  writeFileSync(statePath + '.tmp', JSON.stringify(state, null, 2) + '\n')
  renameSync(statePath + '.tmp', statePath) // readers never see a half-written file

  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      // Leave the fleet first: new rooms go elsewhere while this node closes its own.
      await coordination?.stop()
      publicServer.close()
      adminServer.close()
      await registry.closeAll()
      qoe.stop()
      revocations.stop()
      load.stop()
      sessions.close()
      await accessLog.close()
      rmSync(statePath, {force: true})
    })())
  return {state, registry, stop, warnings: [...warnings, ...keys.warnings()]}
}

async function main(): Promise<void> {
  // Everything the node writes (sessions, logs, secrets) is personal or secret: owner only.
  process.umask(0o077)
  let config: NodeConfig
  try {
    config = parseNodeArgs(process.argv.slice(2))
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`confctl-node: ${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  let node
  try {
    node = await startNode(config)
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`confctl-node: ${err.message}\n`)
      process.exit(2)
    }
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(
        `confctl-node: port already in use (${e.message.replace(/^listen EADDRINUSE: address already in use /, '')})\n`,
      )
      process.exit(3)
    }
    throw err
  }
  process.stdout.write(
    `confctl-node ${node.state.name} (${node.state.id}) v${node.state.version}: public ${node.state.publicUrl}, admin ${node.state.adminUrl} (${adminUrlOf(config, 0).listening}), rtc ${config.rtcPorts.join('-')}\n`,
  )
  for (const w of node.warnings) process.stderr.write(`confctl-node: WARNING: ${w}\n`)
  const shutdown = (signal: string) => {
    process.stdout.write(`confctl-node: ${signal}, closing all rooms\n`)
    node.stop().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`confctl-node: shutdown failed: ${(err as Error).message}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  watchParent(shutdown)
}

/**
 * A throwaway node (smoke, demo) is started with CONFCTL_EXIT_WITH_PARENT=<pid>: if that
 * process disappears without stopping it (SIGKILL, a crash in native code), the node stops
 * itself rather than live on unnoticed.
 */
function watchParent(shutdown: (reason: string) => void): void {
  const pid = Number(process.env.CONFCTL_EXIT_WITH_PARENT)
  if (!Number.isInteger(pid) || pid <= 0) return
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0)
    } catch {
      clearInterval(timer)
      shutdown(`parent process ${pid} is gone`)
    }
  }, 1000)
  timer.unref()
}

// Run only when executed as the program, not when a test imports startNode.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main()
}
