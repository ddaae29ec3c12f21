/**
 * @latchkey/widget — the React Connect widget (`<ConnectButton>`, `<ConnectModal>`, hooks, `connect()`).
 * This package is a placeholder until the widget issue lands; it shares the API contract from @latchkey/schema.
 */
export type { ErrorBody, ErrorCode, Integration, ProviderOutput } from '@latchkey/schema';
