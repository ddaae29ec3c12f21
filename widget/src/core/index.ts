/** `@latchkey/widget/core`: the framework-free part (no React), small enough to drop into any frontend. */
export {
  assertionFields,
  credentialFields,
  type FlowKind,
  flowOf,
  guessAuthMode,
  requestBody,
} from './auth-modes';
export { connect } from './connect';
export { ConnectError } from './connect-error';
export { fetchSession } from './http';
export { openConnectPopup, type PopupFlow, type PopupOptions } from './popup';
export { completeRedirect, type RedirectOutcome } from './redirect';
export type {
  ConnectMode,
  ConnectOptions,
  ConnectResult,
  ConnectSessionInfo,
  CredentialsInput,
  FieldDeclaration,
  SessionIntegration,
} from './types';
