// The join keys of a coordinated node, re-read while it runs: a fleet key rotation
// (`confctl fleet rotate-key`) rewrites the key files, and they are read again at most once a
// second (four small files), which also drops a previous key once its overlap window has
// passed. A file that became unreadable keeps the keys in use, with a warning. A node that
// runs alone reads its keys once, at start, as before.
import {join} from 'node:path'
import {loadJoinKeys, type JoinKeySet} from './join-keys.js'

const REREAD_MS = 1000

export class ReloadingJoinKeys {
  private keys: JoinKeySet
  private readAt = Date.now()
  private readonly listeners: Array<(keys: JoinKeySet) => void> = []

  constructor(
    private readonly dir: string,
    private readonly joinSecret: Uint8Array,
    private readonly reload: boolean,
    private readonly log: (line: string) => void,
  ) {
    this.keys = loadJoinKeys(dir, joinSecret)
  }

  /** Called with the keys each time they are read again. */
  onReload(listener: (keys: JoinKeySet) => void): void {
    this.listeners.push(listener)
  }

  current(): JoinKeySet {
    const now = Date.now()
    if (!this.reload || now - this.readAt < REREAD_MS) return this.keys
    this.readAt = now
    try {
      this.keys = loadJoinKeys(this.dir, this.joinSecret, now)
      for (const listener of this.listeners) listener(this.keys)
    } catch (err) {
      this.log(`WARNING: join key files not re-read: ${(err as Error).message}`)
    }
    return this.keys
  }

  /** Without the fleet key a coordinated node can neither relay nor issue tokens other nodes
   *  accept: it says so for as long as the key is missing. */
  warnings(): string[] {
    return this.reload && !this.current().fleet
      ? [
          `the node coordinates through Redis but has no fleet key (${join(this.dir, 'fleet.secret')}): it cannot relay requests for rooms on other nodes, and the tokens it issues are valid on this node only`,
        ]
      : []
  }
}
