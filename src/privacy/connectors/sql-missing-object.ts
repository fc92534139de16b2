// Recognises the databases' "no such table / column / schema" errors, which mean the datamap
// names something the store does not have (a datamap mistake, exit 2), as opposed to a store
// that is down (exit 3) or a bug (exit 70). A reference between columns of different types
// (a text value asked of a bigint column) is the same kind of mistake.

// undefined_table, undefined_column, invalid_schema_name, invalid_text_representation, undefined_function
const PG_CODES = new Set(['42P01', '42703', '3F000', '22P02', '42883'])
const MYSQL_CODES = new Set(['ER_NO_SUCH_TABLE', 'ER_BAD_FIELD_ERROR', 'ER_BAD_DB_ERROR'])

/** The database's own one-line message when `err` says a table, column or schema is missing
 *  (or a value does not fit the column's type). */
export function missingObject(err: unknown): string | undefined {
  const e = err as {code?: string; message?: string}
  const message = String(e?.message ?? '').split('\n')[0]
  if (typeof e?.code === 'string' && (PG_CODES.has(e.code) || MYSQL_CODES.has(e.code))) return message
  if (/^no such (table|column)/i.test(message)) return message // SQLite
  return undefined
}
