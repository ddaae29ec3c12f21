/**
 * The callback URL an integration's OAuth flows send as `redirect_uri`: the environment's custom callback URL when
 * one is set, else `${publicUrl}/oauth/callback` — the rule of server/src/auth-flows/redirect-flows.ts.
 */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { callbackUrlFor, publicUrlFromLogo } from './public-url';

export interface CallbackUrl {
  url: string | null;
  /** True when the environment's custom callback URL is used. */
  custom: boolean;
  /** The environment settings could not be read (a support operator): the URL shown is the default one. */
  unverified: boolean;
  loading: boolean;
}

/** `logoUrl`: any logo URL the server gave (a provider's `logo_url`, an integration's `logo`). */
export function useCallbackUrl(logoUrl: string | undefined): CallbackUrl {
  const trpc = useTRPC();
  const settings = useQuery({ ...trpc.environment.get.queryOptions(), retry: false });
  const publicUrl = publicUrlFromLogo(logoUrl);
  if (settings.isPending || publicUrl === null) {
    return {
      url: null,
      custom: false,
      unverified: false,
      loading: settings.isPending || logoUrl === undefined,
    };
  }
  const custom = settings.data?.callback_url ?? null;
  return {
    url: callbackUrlFor(custom, publicUrl),
    custom: Boolean(custom),
    unverified: settings.isError,
    loading: false,
  };
}
