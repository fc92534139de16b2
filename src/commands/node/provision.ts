import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../cli/base-command.js'
import {formatPortRange} from '../../units.js'
import {durationFlag, portFlag, portRangeFlag} from '../../cli/flags.js'
import {provisionNode} from '../../fleet/ssh/provision.js'
import {PROVISION_DEFAULTS} from '../../fleet/ssh/provision-settings.js'
import {DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_KEEP_RELEASES} from '../../fleet/ssh/remote-node.js'

export default class NodeProvision extends BaseCommand {
  static override summary = 'Put an SFU node on a host over SSH, start it and record it in fleet.yaml.'
  static override description = `Connects with SSH (the host key is checked against ~/.ssh/known_hosts or --known-hosts: an unknown key is refused unless --accept-new, a changed key always), checks Node.js >= 20 and the free disk there, uploads the single-file node bundle over SFTP into a versioned directory and verifies its SHA-256 on the host, writes the node's config and admin token (0600), starts it with systemd (as root where systemd runs) or a pidfile supervisor (no root needed; it starts the node again after a crash, with backoff), waits for /healthz through an SSH tunnel, and records the node in fleet.yaml. The admin port listens on the host's 127.0.0.1 only.

Running it again on a healthy node with the same bundle and settings changes nothing (exit 0, "nothing to do"); after a failed attempt, or for a node that is down, it resumes and starts the node again with the release installed there (an upgraded node keeps its upgrade). Node settings left out (--port, --admin-port, --rtc-ports, --announce-ip, --public-url) keep the values recorded on the host, so a re-run needs only the flags that reach it; only a first provision takes the defaults, and '' clears --announce-ip or --public-url. A node that runs another version is upgraded with \`confctl node upgrade\`, not here; a bundle older than the installed version needs --allow-downgrade.

Exit 2 for bad usage or a downgrade without --allow-downgrade; exit 3 when the host cannot be reached, refuses the key, has a wrong or unknown host key, lacks Node.js >= 20 or disk space, has a port in use, or the node is not healthy within --timeout.

--json prints: {"name", "action": "provisioned"|"unchanged", "host", "dir", "version", "sha256", "supervisor": "systemd"|"pidfile", "publicUrl", "adminUrl" (on the host), "uploaded": boolean, "health": "ok"|"draining"}.`

  static override examples = [
    '<%= config.bin %> node provision root@203.0.113.10 --name edge1 --announce-ip 203.0.113.10',
    '<%= config.bin %> node provision deploy@media2.example.org:2222 --name edge2 --identity-file ~/.ssh/confctl --accept-new --rtc-ports 41000-41199',
  ]

  static override args = {
    target: Args.string({description: 'USER@HOST[:PORT] to log in to.', required: true}),
  }

  static override flags = {
    name: Flags.string({description: 'Node name in fleet.yaml.', required: true}),
    'identity-file': Flags.string({
      description: 'Private key to log in with (default: ssh-agent, then ~/.ssh/id_ed25519, id_ecdsa, id_rsa).',
    }),
    'known-hosts': Flags.string({
      description: 'known_hosts file to check the host key against (default ~/.ssh/known_hosts).',
    }),
    'accept-new': Flags.boolean({
      description: 'Accept and record a host key not seen before (a changed key is still refused).',
      default: false,
    }),
    'remote-dir': Flags.string({
      description:
        'Node directory on the host (default /var/lib/confctl/NAME as root, else ~/.local/share/confctl/NAME).',
    }),
    port: portFlag({
      allowZero: false,
      description: `Public (WHIP/WHEP) TCP port (default ${PROVISION_DEFAULTS.port}).`,
    }),
    'admin-port': portFlag({
      allowZero: false,
      description: `Admin API TCP port on the host's 127.0.0.1 (default ${PROVISION_DEFAULTS.adminPort}).`,
    }),
    'rtc-ports': portRangeFlag({
      description: `UDP port range for media, X-Y with X >= 1024 (default ${formatPortRange(PROVISION_DEFAULTS.rtcPorts)}).`,
    }),
    'announce-ip': Flags.string({description: 'IP address announced in ICE candidates (the public IP behind NAT).'}),
    'public-url': Flags.string({
      description: 'URL clients use for WHIP/WHEP (default http://ANNOUNCE_IP_OR_HOST:PORT).',
    }),
    supervisor: Flags.string({
      description: 'How the node is run: systemd, pidfile, or auto (systemd as root where it runs).',
      options: ['auto', 'systemd', 'pidfile'],
      default: 'auto',
    }),
    'keep-releases': Flags.integer({
      description: `Releases kept on the host besides the running and the previous one, newest first (default ${DEFAULT_KEEP_RELEASES}); the rest are removed after a successful start.`,
      min: 0,
      max: 100,
    }),
    bundle: Flags.string({
      description:
        'Node bundle to install: a directory with manifest.json, a manifest, or the .mjs (default: the one built with confctl).',
    }),
    'allow-downgrade': Flags.boolean({
      description: 'Install a bundle older than the version installed on the host.',
      default: false,
    }),
    timeout: durationFlag({
      description: `How long to wait for /healthz after the start (default ${DEFAULT_HEALTH_TIMEOUT_MS / 1000}s).`,
    }),
  }

  async run() {
    const {args, flags} = await this.parse(NodeProvision)
    const healthTimeoutMs = flags.timeout
    const showProgress = !flags.json && Boolean(process.stderr.isTTY)
    const r = await provisionNode({
      target: args.target,
      name: flags.name,
      identityFile: flags['identity-file'],
      knownHosts: flags['known-hosts'],
      acceptNew: flags['accept-new'],
      remoteDir: flags['remote-dir'],
      port: flags.port === undefined ? undefined : String(flags.port),
      adminPort: flags['admin-port'] === undefined ? undefined : String(flags['admin-port']),
      rtcPorts: flags['rtc-ports'],
      announceIp: flags['announce-ip'],
      publicUrl: flags['public-url'],
      supervisor: flags.supervisor as 'auto' | 'systemd' | 'pidfile',
      bundle: flags.bundle,
      keepReleases: flags['keep-releases'],
      allowDowngrade: flags['allow-downgrade'],
      healthTimeoutMs,
      onProgress: showProgress ? (m) => process.stderr.write(`provision: ${m}\n`) : undefined,
    })
    if (r.action === 'unchanged') {
      this.log(`node '${r.name}' on ${r.host} is already provisioned, version ${r.version}, healthy: nothing to do.`)
      return r
    }
    this.log(
      `node '${r.name}' is up on ${r.host} (version ${r.version}, ${r.supervisor} supervisor${r.health === 'draining' ? ', draining' : ''})`,
    )
    this.log(`  public URL  ${r.publicUrl}`)
    this.log(`  admin API   ${r.adminUrl} on the host, reached through SSH`)
    this.log(`  directory   ${r.dir}`)
    return r
  }
}
