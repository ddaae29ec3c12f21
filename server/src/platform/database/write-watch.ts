/**
 * Which tables this process writes, as it writes them. In-process caches of rows (the connection read cache) drop
 * what a write may have changed the moment the statement runs, before any later read in this process can see it.
 * Writes from other instances arrive through the change notifications of `change-notify` instead.
 *
 * Raw SQL is not inspected: the only raw write (the batched `last_fetched_at` update) changes nothing a cache holds.
 */
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

export type TableWriteListener = (table: string) => void;

export interface WriteWatch {
  /** Called after each successful INSERT, UPDATE or DELETE statement, once per table written. */
  onWrite(listener: TableWriteListener): () => void;
}

export function createWriteWatch(): { plugin: KyselyPlugin; watch: WriteWatch } {
  const listeners = new Set<TableWriteListener>();
  const pending = new WeakMap<object, string>();
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      if (listeners.size > 0) {
        const table = writtenTable(args.node);
        if (table !== undefined) pending.set(args.queryId, table);
      }
      return args.node;
    },
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      const table = pending.get(args.queryId);
      if (table !== undefined) {
        pending.delete(args.queryId);
        for (const listener of listeners) listener(table);
      }
      return args.result;
    },
  };
  return {
    plugin,
    watch: {
      onWrite(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
  };
}

function writtenTable(node: RootOperationNode): string | undefined {
  switch (node.kind) {
    case 'InsertQueryNode':
      return tableName(node.into);
    case 'UpdateQueryNode':
      return tableName(node.table);
    case 'DeleteQueryNode':
      return tableName(node.from.froms[0]);
    default:
      return undefined;
  }
}

function tableName(node: OperationNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'AliasNode') return tableName((node as unknown as { node: OperationNode }).node);
  if (node.kind === 'TableNode') {
    return (node as unknown as { table: { identifier: { name: string } } }).table.identifier.name;
  }
  return undefined;
}
