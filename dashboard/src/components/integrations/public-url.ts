/**
 * Latchkey's public URL as the server itself reports it. No procedure returns it directly, but every logo URL the API
 * gives (`${publicUrl}/images/template-logos/<provider>.svg`) starts with it, so it is read from there rather than
 * guessed from the page's origin (the dashboard may be reached through another host name than the public one).
 */
const LOGO_PATH = '/images/template-logos/';

export function publicUrlFromLogo(logoUrl: string | undefined): string | null {
  if (logoUrl === undefined) return null;
  const index = logoUrl.lastIndexOf(LOGO_PATH);
  return index === -1 ? null : logoUrl.slice(0, index);
}

/** Exactly the `redirect_uri` the auth flows send (server/src/auth-flows/redirect-flows.ts). */
export function callbackUrlFor(customCallbackUrl: string | null | undefined, publicUrl: string): string {
  return customCallbackUrl || `${publicUrl}/oauth/callback`;
}
