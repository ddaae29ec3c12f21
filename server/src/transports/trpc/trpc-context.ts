/**
 * What every tRPC procedure is called with: the services and the caller behind `Authorization: Bearer <secret key |
 * connect session token>`, resolved as GraphQL resolves it. The caller is resolved on first use and shared by the
 * calls of one batch; a request for an unknown procedure never resolves it, so it gets tRPC's NOT_FOUND, not a 401.
 */
import { authenticateBearer, type BearerCaller } from '../../auth/bearer-caller';
import type { Logger } from '../../platform/logging/logger';
import type { Services } from '../../services';

export type TrpcCaller = BearerCaller;

export interface TrpcContext {
  services: Services;
  logger: Logger;
  /** Rejects with the same 401 `LatchkeyError`s REST answers. */
  resolveCaller(): Promise<TrpcCaller>;
}

export function createTrpcContext(services: Services, logger: Logger, request: Request): TrpcContext {
  let resolved: Promise<TrpcCaller> | undefined;
  return {
    services,
    logger,
    resolveCaller() {
      resolved ??= authenticateBearer(services, request.headers.get('authorization'));
      return resolved;
    },
  };
}
