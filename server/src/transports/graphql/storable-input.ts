/**
 * GraphQL's part of input hygiene: a string PostgreSQL cannot store (U+0000, a lone surrogate) is refused as
 * `BAD_USER_INPUT` / `invalid_body` before anything runs, whether it came inline (a `"\u0000"` literal, caught at
 * validation) or in the variables (caught before execution, over HTTP and graphql-ws alike).
 */
import { LatchkeyError } from '@latchkey/schema';
import { GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isUnstorableString, refuseUnstorableStrings } from '../../platform/database/storable-strings';
import { graphqlErrorExtensions } from './graphql-errors';

export function storableInputPlugin(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(storableLiteralsRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusalOf(args.variableValues);
      if (refused !== undefined) setResultAndStopExecution({ errors: [refused] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusalOf(args.variableValues);
      if (refused !== undefined) setResultAndStopExecution({ errors: [refused] });
    },
  };
}

const storableLiteralsRule: ValidationRule = (context) => ({
  StringValue(node) {
    if (!isUnstorableString(node.value)) return;
    context.reportError(
      new GraphQLError(
        'A string literal contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored.',
        {
          nodes: [node],
          // Not `spec`: a 400 even to application/json clients, as when the string comes in the variables.
          extensions: {
            code: 'BAD_USER_INPUT',
            errorCode: 'invalid_body',
            http: { status: 400, spec: false },
          },
        },
      ),
    );
  },
});

function refusalOf(variables: unknown): GraphQLError | undefined {
  try {
    refuseUnstorableStrings('invalid_body', { variables });
    return undefined;
  } catch (error) {
    if (!(error instanceof LatchkeyError)) throw error;
    return new GraphQLError(error.message, {
      extensions: { ...graphqlErrorExtensions(error), http: { status: 400 } },
    });
  }
}
