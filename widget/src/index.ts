/**
 * @latchkey/widget — connect your users' accounts from a React app: `<ConnectModal>`, `<ConnectButton>`, the
 * headless hooks, and the framework-free `connect()` (also alone as `@latchkey/widget/core`).
 */
export * from './core/index';
export {
  configFieldProblem,
  credentialFieldProblem,
  type FieldProblem,
  validateForm,
} from './forms/field-validation';
export { ConnectButton, type ConnectButtonProps } from './react/ConnectButton';
export { ConnectModal, type ConnectModalProps } from './react/ConnectModal';
export type { ConnectEvent, ConnectEventHandler } from './react/events';
export { en, fr, type Locale, type Strings } from './react/strings';
export { darkTheme, lightTheme, type ThemeProp, type ThemeVars } from './react/theme';
export {
  type ConnectCallOptions,
  type UseConnect,
  type UseConnectOptions,
  useConnect,
} from './react/use-connect';
export { type ConnectSessionState, useConnectSession } from './react/use-connect-session';
