// What verify adds for data kept in files, beyond searching again: the items a collection
// covers that could not be searched (they might still hold the subject), and the files and
// directories a done step deleted that exist again, which the search walk cannot reach once
// their parent records are gone but the journal still names.
import type {Unsearchable} from './connectors/connector.js'
import {exists} from './connectors/log-files.js'
import type {CollectionDef} from './datamap-types.js'
import type {JournalStep} from './erasure-journal.js'
import type {StoreHits} from './subject-search.js'

export interface FileFindings {
  /** Per store: deleted paths that are present again, as verify's `remaining` entries. */
  remaining(store: string): Array<{collection: string; key: string; via: string[]}>
  /** Per store: what could not be searched, outside collections a hold or `keep` covers. */
  unsearchable(store: string): Array<{collection: string} & Unsearchable>
}

export function fileFindings(
  hits: StoreHits[],
  journal: JournalStep[],
  kept: (coll: CollectionDef) => boolean,
): FileFindings {
  const found = new Set(hits.flatMap((s) => s.collections.flatMap((h) => h.records.map((r) => r.key))))
  const byStore = (store: string) => hits.find((s) => s.store === store)?.collections ?? []
  return {
    remaining: (store) =>
      byStore(store)
        .filter((h) => !kept(h.coll))
        .flatMap((h) =>
          journal
            .filter((j) => j.status === 'done' && j.store === store && j.collection === h.coll.name)
            .flatMap((j) =>
              j.action.op === 'delete-files'
                ? j.action.files
                    .filter((path) => !found.has(path) && exists(path))
                    .map((key) => ({
                      collection: h.coll.name,
                      key,
                      via: [`journal step ${j.seq} (deleted, but present again)`],
                    }))
                : [],
            ),
        ),
    // What a hold or `keep` covers may stay, readable or not; elsewhere it may hold the subject.
    unsearchable: (store) =>
      byStore(store)
        .filter((h) => !kept(h.coll))
        .flatMap((h) => h.unsearchable.map((u) => ({collection: h.coll.name, ...u}))),
  }
}
