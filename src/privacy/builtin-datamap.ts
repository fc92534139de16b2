// The datamap of the bundled SFU node's own stores, one per local node directory
// ($CONFCTL_HOME/nodes/<name>/): the `sessions` and `qoe_samples` tables of node.db and the
// JSON-lines access.log. Written as the same YAML an operator would write and parsed by the
// same code, so it can never drift from what the parser accepts.
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {stringify} from 'yaml'
import type {Datamap} from './datamap-types.js'
import {parseDatamap} from './datamap-parse.js'

const ACCESS = {
  purpose: 'operating and securing the conference service',
  legal_basis: 'e',
  recipients: ["the operator's administrators"],
  source: "the participant's device",
}

function nodeStores(name: string, dir: string): Record<string, unknown> {
  return {
    [`node-${name}`]: {
      kind: 'sqlite',
      connection: {path: join(dir, 'node.db')},
      collections: {
        sessions: {
          table: 'sessions',
          key: 'id',
          ...ACCESS,
          retention: {period: '30d', from: 'joined_at'},
          erasure: {strategy: 'delete'},
          fields: {
            id: {category: 'technical.session_id'},
            room: {category: 'meeting.metadata'},
            identity: {category: 'identity.user_id', identifies: 'user_id'},
            display_name: {category: 'identity.name', identifies: 'display_name'},
            remote_ip: {category: 'network.ip', identifies: 'ip'},
            user_agent: {category: 'device.user_agent'},
            joined_at: {category: 'meeting.metadata'},
            left_at: {category: 'meeting.metadata'},
          },
        },
        qoe_samples: {
          // No key: a sample has no unique column, so SQLite's rowid addresses it.
          table: 'qoe_samples',
          ...ACCESS,
          purpose: 'measuring and fixing call quality',
          retention: {period: '7d', from: 'time'},
          erasure: {strategy: 'delete'},
          fields: {
            time: {category: 'qoe.technical'},
            participant_id: {category: 'technical.session_id'},
            identity: {category: 'identity.user_id', identifies: 'user_id'},
            user_agent: {category: 'device.user_agent'},
            jitter_ms: {category: 'qoe.technical'},
            fraction_lost: {category: 'qoe.technical'},
            rtt_ms: {category: 'qoe.technical'},
            mos: {category: 'qoe.technical'},
          },
        },
      },
    },
    [`node-${name}-log`]: {
      kind: 'jsonl',
      connection: {},
      collections: {
        access_log: {
          // access.log and the files the node rotates it into (access.log.<time of first line>).
          path: join(dir, 'access.log*'),
          ...ACCESS,
          // The node deletes rotated files after the same period (ACCESS_LOG_RETENTION_SECONDS in src/sfu/access-log.ts).
          retention: {period: '30d', from: 'time'},
          // The line stays for traffic statistics; without its last octet / 80 bits the IP no longer points at one person.
          erasure: {strategy: 'truncate-ip'},
          fields: {
            time: {category: 'network.access_time'},
            path: {category: 'network.url'},
            ip: {category: 'network.ip', identifies: 'ip'},
            userAgent: {category: 'device.user_agent'},
          },
        },
      },
    },
  }
}

/** The built-in datamap of every node directory under `home` (none when there are no nodes). */
export function builtinDatamap(home: string): Datamap {
  const nodesDir = join(home, 'nodes')
  const names = existsSync(nodesDir)
    ? readdirSync(nodesDir, {withFileTypes: true})
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : []
  const stores: Record<string, unknown> = {}
  const references: string[] = []
  for (const name of names) {
    Object.assign(stores, nodeStores(name, join(nodesDir, name)))
    references.push(`node-${name}.qoe_samples.participant_id -> node-${name}.sessions.id`)
  }
  if (names.length === 0) return {sources: [], stores: [], references: []}
  return parseDatamap(
    stringify({version: 1, stores, references}, {aliasDuplicateObjects: false}),
    `(built-in datamap of ${nodesDir})`,
    {},
  )
}
