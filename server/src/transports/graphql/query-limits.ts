/**
 * Depth and complexity limits, checked at validation time before anything runs. Complexity counts one per field,
 * times the page size for paginated fields (`first`/`last`/`limit`; the default page when absent, the largest when
 * given as a variable), so nested lists multiply as their result sizes do. Introspection fields are free: GraphiQL
 * and codegen send deep introspection queries.
 */
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  /** Page size assumed for a paginated field called without one. */
  defaultPageSize: number;
  /** Page size assumed when it comes from a variable (not known at validation time). */
  maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxComplexity: 5000,
  defaultPageSize: 20,
  maxPageSize: 100,
};

const PAGE_ARGS = ['first', 'last', 'limit'];

export function queryLimitsPlugin(limits: QueryLimits = DEFAULT_QUERY_LIMITS): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(queryLimitsRule(limits));
    },
  };
}

export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const root =
        operation.operation === 'query'
          ? context.getSchema().getQueryType()
          : operation.operation === 'mutation'
            ? context.getSchema().getMutationType()
            : context.getSchema().getSubscriptionType();
      if (root == null) return;
      const measured = measure(context, operation.selectionSet, root, limits, new Set());
      if (measured.depth > limits.maxDepth) {
        context.reportError(
          new GraphQLError(
            `The query is ${measured.depth} levels deep; at most ${limits.maxDepth} are allowed.`,
            {
              nodes: [operation],
              extensions: { code: 'QUERY_TOO_DEEP' },
            },
          ),
        );
      }
      if (measured.cost > limits.maxComplexity) {
        context.reportError(
          new GraphQLError(
            `The query costs ${measured.cost}; at most ${limits.maxComplexity} is allowed. Ask for smaller pages.`,
            { nodes: [operation], extensions: { code: 'QUERY_TOO_COMPLEX' } },
          ),
        );
      }
    },
  });
}

function measure(
  context: ValidationContext,
  selectionSet: SelectionSetNode,
  parent: GraphQLNamedType,
  limits: QueryLimits,
  /** Fragments on the current path: a cycle is another rule's error, not an endless loop here. */
  visiting: Set<string>,
): { depth: number; cost: number } {
  let depth = 0;
  let cost = 0;
  const add = (inner: { depth: number; cost: number }) => {
    depth = Math.max(depth, inner.depth);
    cost += inner.cost;
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      add(measureField(context, selection, parent, limits, visiting));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? (context.getSchema().getType(selection.typeCondition.name.value) ?? parent)
        : parent;
      add(measure(context, selection.selectionSet, type, limits, visiting));
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      if (fragment === undefined || fragment === null || visiting.has(name)) continue;
      visiting.add(name);
      const type = context.getSchema().getType(fragment.typeCondition.name.value) ?? parent;
      add(measure(context, fragment.selectionSet, type, limits, visiting));
      visiting.delete(name);
    }
  }
  return { depth, cost };
}

function measureField(
  context: ValidationContext,
  field: FieldNode,
  parent: GraphQLNamedType,
  limits: QueryLimits,
  visiting: Set<string>,
): { depth: number; cost: number } {
  if (field.name.value.startsWith('__')) return { depth: 0, cost: 0 };
  const definition: GraphQLField<unknown, unknown> | undefined =
    isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[field.name.value] : undefined;
  if (field.selectionSet === undefined || definition === undefined) return { depth: 1, cost: 1 };
  const inner = measure(context, field.selectionSet, getNamedType(definition.type), limits, visiting);
  return { depth: inner.depth + 1, cost: 1 + pageSize(field, definition, limits) * inner.cost };
}

function pageSize(field: FieldNode, definition: GraphQLField<unknown, unknown>, limits: QueryLimits): number {
  const given = field.arguments?.find((argument) => PAGE_ARGS.includes(argument.name.value));
  if (given === undefined) {
    return definition.args.some((argument) => PAGE_ARGS.includes(argument.name)) ? limits.defaultPageSize : 1;
  }
  if (given.value.kind === Kind.INT) return Math.max(1, Number(given.value.value));
  return limits.maxPageSize;
}
