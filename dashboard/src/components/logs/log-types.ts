/** The shapes the logs page reads, typed by the server's router (type imports only). */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../api/trpc';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type OperationPage = Outputs['logs']['page'];
export type OperationSummary = OperationPage['items'][number];
export type OperationWithMessages = Outputs['logs']['get'];
export type OperationMessage = OperationWithMessages['messages'][number];
export type OperationPageInput = Inputs['logs']['page'];

export const OPERATION_STATUSES = ['running', 'success', 'failed'] as const;
export type OperationStatus = (typeof OPERATION_STATUSES)[number];
