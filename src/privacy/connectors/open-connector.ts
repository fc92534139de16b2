// Store kind -> connector. The only place that knows every connector class.
import type {StoreDef} from '../datamap-types.js'
import {CombinedLogConnector} from './combined-log-connector.js'
import type {Connector} from './connector.js'
import {DirectoryConnector} from './directory-connector.js'
import {JsonlConnector} from './jsonl-connector.js'
import {RedisConnector} from './redis-connector.js'
import {SqlConnector} from './sql-connector.js'

export function connectorFor(store: StoreDef): Connector {
  switch (store.kind) {
    case 'sqlite':
    case 'postgres':
    case 'mysql':
      return new SqlConnector(store)
    case 'redis':
      return new RedisConnector(store)
    case 'jsonl':
      return new JsonlConnector(store)
    case 'combined-log':
      return new CombinedLogConnector(store)
    case 'directory':
      return new DirectoryConnector(store)
  }
}
