/** The shapes the connection pages read, as the server's own router types them (type imports only). */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../api/trpc';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type ConnectionListItem = Outputs['connections']['list']['items'][number];
export type ConnectionSummary = Outputs['connections']['summary'];
export type ConnectionListInput = Inputs['connections']['list'];
export type RefreshState = ConnectionSummary['refresh_state'];
export type EndUser = NonNullable<ConnectionSummary['end_user']>;
