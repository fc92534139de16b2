// Greenlight v3's tables as in its db/schema.rb (users, rooms, shared_accesses, recordings,
// formats; uuid ids; the upstream foreign keys, none ON DELETE CASCADE), on the real local
// PostgreSQL (own schema) or MariaDB (own database, InnoDB), with Erika (the subject: two
// rooms, two recordings with three formats, an access to Max's room) and Max (one room
// shared with him by Erika... and one recording of his own). Column sets are trimmed.
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const PG_URL = 'postgres://postgres@127.0.0.1:5432/test'
export const MY_URL = 'mysql://root@127.0.0.1:3306'
export const ERIKA = ['--subject', 'email=erika@uni-hannover.example']

export const U = {erika: '00000000-0000-4000-8000-000000000001', max: '00000000-0000-4000-8000-000000000002'}
const R = [
  '10000000-0000-4000-8000-000000000001',
  '10000000-0000-4000-8000-000000000002',
  '10000000-0000-4000-8000-000000000003',
]
const REC = [
  '20000000-0000-4000-8000-000000000001',
  '20000000-0000-4000-8000-000000000002',
  '20000000-0000-4000-8000-000000000003',
]

export type Kind = 'postgres' | 'mysql' | 'sqlite'

export interface Greenlight {
  kind: Kind
  name: string
  /** Runs SQL in the fixture's schema / database. */
  q(sql: string): Promise<Record<string, unknown>[]>
  /** Row counts per table, for "nothing else changed" checks. */
  ids(table: string): Promise<string[]>
  drop(): Promise<void>
}

const uuid = (k: Kind) => ({postgres: 'uuid', mysql: 'CHAR(36)', sqlite: 'TEXT'})[k]
const ts = (k: Kind) => ({postgres: 'timestamptz', mysql: 'DATETIME', sqlite: 'TEXT'})[k]

/** The constraint's name as the store reports it (SQLite keys have no names). */
export function fkName(k: Kind, table: string, column: string, parent: string): string {
  return k === 'sqlite' ? `${table}(${column}) -> ${parent}` : `${table}_${column}_fkey`
}

/** The upstream tables; `extra` adds statements (a cycle, say) after them. */
export function schemaSql(k: Kind): string[] {
  const id = `id ${uuid(k)} PRIMARY KEY`
  const engine = k === 'mysql' ? ' ENGINE=InnoDB' : ''
  return [
    `CREATE TABLE users (${id}, name VARCHAR(255) NOT NULL, email VARCHAR(255) NOT NULL, provider VARCHAR(64) NOT NULL, password_digest VARCHAR(255), last_login ${ts(k)} NULL, language VARCHAR(16) NOT NULL)${engine}`,
    `CREATE INDEX index_users_on_email_and_provider ON users (email, provider)`,
    `CREATE TABLE rooms (${id}, user_id ${uuid(k)} NOT NULL, name VARCHAR(255) NOT NULL, friendly_id VARCHAR(64) NOT NULL, meeting_id VARCHAR(64) NOT NULL, last_session ${ts(k)} NULL,
       CONSTRAINT rooms_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id))${engine}`,
    `CREATE TABLE shared_accesses (id BIGINT PRIMARY KEY, user_id ${uuid(k)} NOT NULL, room_id ${uuid(k)} NOT NULL,
       CONSTRAINT shared_accesses_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id),
       CONSTRAINT shared_accesses_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id))${engine}`,
    `CREATE TABLE recordings (${id}, room_id ${uuid(k)} NULL, name VARCHAR(255) NOT NULL, record_id VARCHAR(64) NOT NULL, visibility VARCHAR(32) NOT NULL, length INT NOT NULL, participants INT NOT NULL, recorded_at ${ts(k)} NULL,
       CONSTRAINT recordings_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id))${engine}`,
    `CREATE TABLE formats (${id}, recording_id ${uuid(k)} NULL, recording_type VARCHAR(32) NOT NULL, url VARCHAR(255) NOT NULL,
       CONSTRAINT formats_recording_id_fkey FOREIGN KEY (recording_id) REFERENCES recordings (id))${engine}`,
  ]
}

export function seedSql(): string[] {
  const now = "'2026-11-01 10:00:00'"
  return [
    `INSERT INTO users (id, name, email, provider, last_login, language) VALUES
      ('${U.erika}', 'Erika Muster', 'erika@uni-hannover.example', 'greenlight', ${now}, 'de'),
      ('${U.max}', 'Max Beispiel', 'max@uni-hannover.example', 'greenlight', ${now}, 'de')`,
    `INSERT INTO rooms (id, user_id, name, friendly_id, meeting_id) VALUES
      ('${R[0]}', '${U.erika}', 'Seminar Ethik', 'eri-abc-123', 'm-eri-1'),
      ('${R[1]}', '${U.erika}', 'Sprechstunde', 'eri-def-456', 'm-eri-2'),
      ('${R[2]}', '${U.max}', 'Tutorium', 'max-ghi-789', 'm-max-1')`,
    // Max may use Erika's seminar room; Erika may use Max's tutorial room.
    `INSERT INTO shared_accesses (id, user_id, room_id) VALUES (1, '${U.max}', '${R[0]}'), (2, '${U.erika}', '${R[2]}')`,
    `INSERT INTO recordings (id, room_id, name, record_id, visibility, length, participants) VALUES
      ('${REC[0]}', '${R[0]}', 'Ethik 1', 'rec-eri-1', 'Published', 3600, 12),
      ('${REC[1]}', '${R[1]}', 'Sprechstunde 1', 'rec-eri-2', 'Unpublished', 600, 2),
      ('${REC[2]}', '${R[2]}', 'Tutorium 1', 'rec-max-1', 'Published', 1800, 8)`,
    `INSERT INTO formats (id, recording_id, recording_type, url) VALUES
      ('30000000-0000-4000-8000-000000000001', '${REC[0]}', 'presentation', 'https://bbb/p/rec-eri-1'),
      ('30000000-0000-4000-8000-000000000002', '${REC[0]}', 'video', 'https://bbb/v/rec-eri-1'),
      ('30000000-0000-4000-8000-000000000003', '${REC[1]}', 'presentation', 'https://bbb/p/rec-eri-2'),
      ('30000000-0000-4000-8000-000000000004', '${REC[2]}', 'presentation', 'https://bbb/p/rec-max-1')`,
  ]
}

export async function createGreenlight(kind: Kind, extra: string[] = []): Promise<Greenlight> {
  const name = `fk_${randomBytes(4).toString('hex')}`
  const stmts = [...schemaSql(kind), ...extra, ...seedSql()]
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `confctl-${name}-`))
    const path = join(dir, 'greenlight.db')
    const db = new Database(path)
    for (const st of stmts) db.exec(st)
    const q = async (sql: string) => {
      const stmt = db.prepare(sql)
      if (stmt.reader) return stmt.all() as Record<string, unknown>[]
      stmt.run()
      return []
    }
    return {
      kind,
      name: path,
      q,
      ids: async (t) => (await q(`SELECT id FROM ${t} ORDER BY id`)).map((r) => String(r.id)),
      drop: async () => {
        db.close()
        rmSync(dir, {recursive: true, force: true})
      },
    }
  }
  if (kind === 'postgres') {
    const c = new pg.Client({connectionString: PG_URL})
    await c.connect()
    await c.query(`CREATE SCHEMA ${name}`)
    await c.query(`SET search_path TO ${name}`)
    for (const s of stmts) await c.query(s)
    const q = async (sql: string) => (await c.query(sql)).rows as Record<string, unknown>[]
    return {
      kind,
      name,
      q,
      ids: async (t) => (await q(`SELECT id::text AS id FROM ${t} ORDER BY id`)).map((r) => String(r.id)),
      drop: async () => {
        await c.query(`DROP SCHEMA ${name} CASCADE`)
        await c.end()
      },
    }
  }
  const c = await mysql.createConnection({uri: MY_URL})
  await c.query(`CREATE DATABASE ${name}`)
  await c.query(`USE ${name}`)
  for (const s of stmts) await c.query(s)
  const q = async (sql: string) => (await c.query(sql))[0] as Record<string, unknown>[]
  return {
    kind,
    name,
    q,
    ids: async (t) => (await q(`SELECT CAST(id AS CHAR) AS id FROM ${t} ORDER BY id`)).map((r) => String(r.id)),
    drop: async () => {
      await c.query(`DROP DATABASE ${name}`)
      await c.end()
    },
  }
}

const COLLECTIONS: Record<string, string> = {
  users: `        table: users
        key: id
        purpose: room management accounts
        legal_basis: e
        source: the user
        retention: {period: 365d+90d, from: last_login}
        erasure: {strategy: delete}
        fields:
          id: {category: identity.user_id}
          name: {category: identity.name, identifies: display_name}
          email: {category: contact.email, identifies: email}
          last_login: {category: account.activity}`,
  rooms: `        table: rooms
        key: id
        purpose: conference rooms of an account
        legal_basis: e
        source: the room owner
        retention: {period: 365d+90d, from: last_session}
        erasure: {strategy: delete}
        fields:
          id: {category: technical.id}
          user_id: {category: identity.user_id}
          name: {category: meeting.metadata}
          last_session: {category: meeting.metadata}`,
  shared_accesses: `        table: shared_accesses
        key: id
        purpose: who may use a room
        legal_basis: e
        source: the room owner
        retention: {period: 365d+90d, from: owner's last login}
        erasure: {strategy: delete}
        fields:
          user_id: {category: identity.user_id}
          room_id: {category: technical.id}`,
  recordings: `        table: recordings
        key: id
        purpose: recordings a moderator chose to make
        legal_basis: a
        source: the conference
        retention: {period: 365d+90d, from: recorded_at}
        erasure: {strategy: delete}
        fields:
          id: {category: technical.id}
          room_id: {category: technical.id}
          name: {category: meeting.metadata}
          record_id: {category: media.recording}
          recorded_at: {category: meeting.metadata}`,
  formats: `        table: formats
        key: id
        purpose: playback formats of a recording
        legal_basis: a
        source: the conference
        retention: {period: 365d+90d, from: recording's end}
        erasure: {strategy: delete}
        fields:
          recording_id: {category: technical.id}
          url: {category: media.recording}`,
}

/** A datamap of the fixture listing `collections` in this order (users before rooms by default:
 *  the order the reproduction used), with no `references`: the order comes from the catalog. */
export function writeDatamap(
  home: string,
  g: Greenlight,
  collections = ['users', 'rooms', 'shared_accesses', 'recordings', 'formats'],
  file = 'datamap.yaml',
  overrides: Record<string, string> = {},
): string {
  const connection = {
    postgres: `{url: "${PG_URL}", schema: ${g.name}}`,
    mysql: `{url: "${MY_URL}/${g.name}"}`,
    sqlite: `{path: "${g.name}"}`,
  }[g.kind]
  const body = collections.map((c) => `      ${c}:\n${overrides[c] ?? COLLECTIONS[c]}`).join('\n')
  const path = join(home, file)
  writeFileSync(
    path,
    `version: 1\nstores:\n  greenlight:\n    kind: ${g.kind}\n    connection: ${connection}\n    collections:\n${body}\n`,
  )
  return path
}
