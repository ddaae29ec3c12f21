/**
 * The auth modes Latchkey runs, by Nango's name. Adding a mode is its folder and one line here; the flows, refresher,
 * proxy and verification find it through {@link authModeOf}.
 */
import type { AuthMode } from '@latchkey/providers';
import { LatchkeyError } from '@latchkey/schema';
import { apiKeyMode } from './api-key/api-key.mode';
import { githubAppMode } from './app/app.mode';
import type { AuthModeHandler, DirectFlow } from './auth-mode';
import { awsSigV4Mode } from './aws-sigv4/aws-sigv4.mode';
import { basicMode } from './basic/basic.mode';
import { billMode } from './bill/bill.mode';
import { githubAppOAuthMode } from './custom/custom.mode';
import { installPluginMode } from './install-plugin/install-plugin.mode';
import { jwtMode } from './jwt/jwt.mode';
import { noneMode } from './none/none.mode';
import { oauth1Mode } from './oauth1/oauth1.mode';
import { oauth2Mode } from './oauth2/oauth2.mode';
import { oauth2ClientCredentialsMode } from './oauth2-cc/oauth2-cc.mode';
import { signatureMode } from './signature/signature.mode';
import { tbaMode } from './tba/tba.mode';
import { twoStepMode } from './two-step/two-step.mode';

const MODES: readonly AuthModeHandler[] = [
  oauth2Mode,
  oauth1Mode,
  oauth2ClientCredentialsMode,
  apiKeyMode,
  basicMode,
  noneMode,
  twoStepMode,
  jwtMode,
  signatureMode,
  billMode,
  tbaMode,
  githubAppMode,
  githubAppOAuthMode,
  awsSigV4Mode,
  installPluginMode,
];

const BY_NAME = new Map<string, AuthModeHandler>(MODES.map((mode) => [mode.mode, mode]));

/** The handler of a mode Latchkey runs, or undefined for one it only lists (MCP until it runs). */
export function findAuthMode(mode: string): AuthModeHandler | undefined {
  return BY_NAME.get(mode);
}

/** @throws LatchkeyError `unsupported_auth_mode` for a mode Latchkey does not run. */
export function authModeOf(mode: AuthMode | string): AuthModeHandler {
  const handler = BY_NAME.get(mode);
  if (handler === undefined) {
    throw new LatchkeyError('unsupported_auth_mode', `Latchkey does not run auth mode ${mode} yet.`);
  }
  return handler;
}

/** Every direct endpoint (`POST <path>/:integration`) and the mode it serves. */
export function directEndpoints(): Array<{ path: string; mode: AuthModeHandler & { flow: DirectFlow } }> {
  return MODES.flatMap((mode) =>
    mode.flow?.kind === 'direct'
      ? mode.flow.paths.map((path) => ({ path, mode: mode as AuthModeHandler & { flow: DirectFlow } }))
      : [],
  );
}

export function allAuthModes(): readonly AuthModeHandler[] {
  return MODES;
}
