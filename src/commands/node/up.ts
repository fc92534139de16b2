import {Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {PassedOnExit} from '../../errors.js'
import {bringUpLocalNode, runUpLocalNode} from '../../fleet/node-lifecycle.js'
import {LOCAL_DEFAULTS} from '../../fleet/local-entry-from-flags.js'
import {DEFAULT_START_TIMEOUT_MS, type StartedNode} from '../../fleet/node-launcher-local.js'
import {formatPortRange} from '../../units.js'
import {durationFlag, portFlag, portRangeFlag} from '../../cli/flags.js'

export default class NodeUp extends BaseCommand {
  static override summary = 'Start a local SFU node (recorded in fleet.yaml) and wait until it is healthy.'
  static override description = `Records the node in $CONFCTL_HOME/fleet.yaml and starts it in $CONFCTL_HOME/nodes/<name>/, detached (output appended to node.log there) unless --foreground. Flags left out keep the values recorded for that node; a new node gets the defaults. Port 0 lets the node pick a free port.

With --redis (or \`confctl fleet init\` for the whole fleet) the node coordinates with the other nodes of its fleet through that Redis, and gets the fleet signing key from $CONFCTL_HOME/fleet.secret.

Refuses (exit 2) if a node of that name is already running or a port is taken; exits 3 if the node dies or is not healthy within --timeout, showing the end of node.log.

--json prints: {"name": string, "pid": number, "publicUrl": string, "adminUrl": string, "rtcPorts": [from, to], "dir": string, "logFile": string|null (null with --foreground), "startedAt": string, "health": "ok"|"draining"}. With --foreground it is printed once the node is healthy, node output goes to stderr, and the command exits with the node's exit code.`

  static override examples = [
    '<%= config.bin %> node up',
    '<%= config.bin %> node up --name edge1 --port 9080 --admin-port 9081 --rtc-ports 41000-41199 --announce-ip 203.0.113.10',
    '<%= config.bin %> node up --name dev --port 0 --admin-port 0 --foreground',
    '<%= config.bin %> node up --name edge2 --redis redis://10.0.0.2:6379/0 --redis-prefix campus:',
  ]

  static override flags = {
    name: Flags.string({description: `Node name (default "${LOCAL_DEFAULTS.name}").`}),
    port: portFlag({description: `Public (WHIP/WHEP) TCP port, 0 = any free port (default ${LOCAL_DEFAULTS.port}).`}),
    'admin-port': portFlag({
      description: `Admin API TCP port, 0 = any free port (default ${LOCAL_DEFAULTS.adminPort}).`,
    }),
    'rtc-ports': portRangeFlag({
      description: `UDP port range for media, X-Y with X >= 1024 (default ${formatPortRange(LOCAL_DEFAULTS.rtcPorts)}).`,
    }),
    'announce-ip': Flags.string({
      description: 'IP address announced in ICE candidates (the public IP behind NAT); "" clears it.',
    }),
    host: Flags.string({description: `Address the public port listens on (default ${LOCAL_DEFAULTS.host}).`}),
    'admin-host': Flags.string({
      description: `Address the admin API listens on (default ${LOCAL_DEFAULTS.adminHost}). Anything but loopback needs --admin-tls-cert/--admin-tls-key or --insecure-admin.`,
    }),
    'admin-tls-cert': Flags.string({
      description:
        'PEM certificate: serve the admin API over HTTPS (confctl then trusts exactly this certificate); "" clears it.',
    }),
    'admin-tls-key': Flags.string({description: 'PEM private key of --admin-tls-cert; "" clears it.'}),
    'insecure-admin': Flags.boolean({
      description:
        'Allow a plain-HTTP admin API on a non-loopback --admin-host (the node warns about it); --no-insecure-admin clears it.',
      allowNo: true,
    }),
    'qoe-interval': Flags.string({description: 'How often the node stores a QoE sample per stream (default 10s).'}),
    'qoe-retention': Flags.string({
      description:
        'How long the node keeps QoE samples before deleting them (default 7d, as the privacy notices promise).',
    }),
    'max-connections': Flags.string({
      description:
        'HTTP connections the public port holds at once (default 4096, lowered to fit the open-file limit; see docs/node-api.md); "" clears it.',
    }),
    'max-connections-per-ip': Flags.string({
      description:
        'HTTP connections the public port holds at once from one client address, IPv6 per /64 (default 256; raise it for many people behind one NAT); "" clears it.',
    }),
    'max-sessions': Flags.string({
      description: 'Media sessions the node holds at once (default: one per port of --rtc-ports); "" clears it.',
    }),
    'max-sessions-per-ip': Flags.string({
      description: 'Media sessions from one client address at once (default: half of --max-sessions); "" clears it.',
    }),
    'connect-timeout': Flags.string({
      description:
        'How long a session may take to connect before it is closed and its port freed (default 30s); "" clears it.',
    }),
    'access-log-max-size': Flags.string({
      description: 'Size at which the node rotates access.log, e.g. 10MB (default); "" clears it.',
    }),
    'ice-server': Flags.string({
      multiple: true,
      description:
        'A STUN or TURN server the node tells clients about (Link headers, RFC 9725): stun:HOST:PORT or turn:HOST:PORT?transport=udp,USERNAME,CREDENTIAL; repeatable; "" clears them.',
    }),
    codecs: Flags.string({
      description:
        'Codecs publishers may send, comma-separated out of opus,vp8,vp9,h264,av1 (default all; passed through, never transcoded); "" clears it.',
    }),
    'access-log-max-age': Flags.string({
      description:
        'Age of its first line at which the node rotates access.log, e.g. 1d (default); "" clears it. Rotated files are deleted after 30 days.',
    }),
    redis: Flags.string({
      description:
        'Redis this node coordinates through, redis://HOST[:PORT][/DB] (default: the fleet\'s, from `confctl fleet init`); "" clears it.',
    }),
    'redis-prefix': Flags.string({
      description: 'Key prefix in that Redis (with --redis; default confctl:); "" clears it.',
    }),
    foreground: Flags.boolean({
      description: 'Run attached to this terminal until Ctrl-C (forwarded as SIGTERM).',
      default: false,
    }),
    timeout: durationFlag({
      description: `How long to wait for the node to become healthy (default ${DEFAULT_START_TIMEOUT_MS / 1000}s).`,
    }),
  }

  async run(): Promise<NodeUpResult | undefined> {
    const {flags} = await this.parse(NodeUp)
    const nodeFlags = {
      name: flags.name,
      // checked at parse time (exit 2 before anything is written); fleet.yaml keeps them as text
      port: flags.port === undefined ? undefined : String(flags.port),
      adminPort: flags['admin-port'] === undefined ? undefined : String(flags['admin-port']),
      rtcPorts: flags['rtc-ports'],
      announceIp: flags['announce-ip'],
      host: flags.host,
      adminHost: flags['admin-host'],
      adminTlsCert: flags['admin-tls-cert'],
      adminTlsKey: flags['admin-tls-key'],
      insecureAdmin: flags['insecure-admin'],
      qoeInterval: flags['qoe-interval'],
      qoeRetention: flags['qoe-retention'],
      maxConnections: flags['max-connections'],
      maxConnectionsPerIp: flags['max-connections-per-ip'],
      maxSessions: flags['max-sessions'],
      maxSessionsPerIp: flags['max-sessions-per-ip'],
      connectTimeout: flags['connect-timeout'],
      accessLogMaxSize: flags['access-log-max-size'],
      accessLogMaxAge: flags['access-log-max-age'],
      iceServers: flags['ice-server'],
      codecs: flags.codecs,
      redis: flags.redis,
      redisPrefix: flags['redis-prefix'],
    }
    const timeoutMs = flags.timeout

    if (flags.foreground) {
      const result = await runUpLocalNode(nodeFlags, {
        timeoutMs,
        stdoutToStderr: flags.json,
        // A foreground node runs on after it is ready: its result is printed then, not at the end.
        onReady: (node) => (this.jsonEnabled() ? this.logJson(nodeUpResult(node)) : this.report(node)),
      })
      if (!result.ready)
        this.logToStderr(`confctl: node '${result.entry.name}' exited during startup with code ${result.exitCode}.`)
      // the node's own exit code is the command's (its output said why)
      if (result.exitCode !== 0)
        throw new PassedOnExit(`node '${result.entry.name}' exited with code ${result.exitCode}.`, result.exitCode)
      return undefined
    }
    const {node} = await bringUpLocalNode(nodeFlags, {timeoutMs})
    this.report(node)
    return nodeUpResult(node)
  }

  private report(node: StartedNode): void {
    const {state} = node
    // In the foreground stdout is the node's; our lines go to stderr beside its output.
    const out = node.logFile ? (s: string) => this.log(s) : (s: string) => this.logToStderr(s)
    out(`node '${state.name}' is up (pid ${node.pid}${node.health.status === 'draining' ? ', draining' : ''})`)
    out(`  public URL  ${state.publicUrl}`)
    out(`  admin URL   ${state.adminUrl}`)
    out(`  RTC ports   ${formatPortRange(state.rtcPorts)}/udp`)
    out(node.logFile ? `  log         ${node.logFile}  (confctl node logs ${state.name} -f)` : '  Ctrl-C stops it.')
  }
}

function nodeUpResult(node: StartedNode) {
  const {state} = node
  return {
    name: state.name,
    pid: node.pid,
    publicUrl: state.publicUrl,
    adminUrl: state.adminUrl,
    rtcPorts: state.rtcPorts,
    dir: node.dir,
    logFile: node.logFile,
    startedAt: state.startedAt,
    health: node.health.status,
  }
}

/** What `node up --json` prints. */
type NodeUpResult = ReturnType<typeof nodeUpResult>
