// The tables of confctl's own store. Portable SQL (TEXT / BIGINT) so SQLite and
// PostgreSQL share it; created idempotently on every open. What each table holds, and why
// subjects only appear sealed or hashed, is documented in docs/privacy.md.

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS dsar_requests (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    received_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    extended_reason TEXT,
    note TEXT,
    datamap TEXT,
    updated_at TEXT NOT NULL
  )`,
  // One row per identifier: a keyed hash to look up and audit, the value sealed (AES-GCM) to search with.
  `CREATE TABLE IF NOT EXISTS dsar_subjects (
    request_id TEXT NOT NULL,
    type TEXT NOT NULL,
    hash TEXT NOT NULL,
    sealed TEXT,
    PRIMARY KEY (request_id, type, hash)
  )`,
  `CREATE TABLE IF NOT EXISTS dsar_store_status (
    request_id TEXT NOT NULL,
    store TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (request_id, store)
  )`,
  `CREATE TABLE IF NOT EXISTS holds (
    id TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    collection TEXT,
    subject_hash TEXT,
    reason TEXT NOT NULL,
    until_at TEXT,
    created_at TEXT NOT NULL,
    released_at TEXT
  )`,
  // The erasure journal: a request's plan, one sealed step per row, with its progress.
  `CREATE TABLE IF NOT EXISTS erasure_steps (
    request_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    store TEXT NOT NULL,
    collection TEXT NOT NULL,
    summary TEXT NOT NULL,
    sealed_action TEXT NOT NULL,
    status TEXT NOT NULL,
    changed BIGINT,
    started_at TEXT,
    done_at TEXT,
    PRIMARY KEY (request_id, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS restrictions (
    request_id TEXT NOT NULL,
    store TEXT NOT NULL,
    collection TEXT NOT NULL,
    record_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    lifted_at TEXT,
    PRIMARY KEY (request_id, store, collection, record_key)
  )`,
  `CREATE TABLE IF NOT EXISTS audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    event TEXT NOT NULL,
    request_id TEXT,
    subjects TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  )`,
  // The chain's head, kept apart so that cutting entries off the end is noticed too.
  `CREATE TABLE IF NOT EXISTS audit_head (
    id INTEGER PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
  )`,
  // The head's seal: HMAC(privacy.key) over its seq and hash, so that nobody without the key
  // can point the head at an earlier entry. A table of its own rather than a column so that
  // stores created before it need no ALTER (a missing row is reported by audit verify).
  `CREATE TABLE IF NOT EXISTS audit_head_mac (
    id INTEGER PRIMARY KEY,
    mac TEXT NOT NULL
  )`,
]
