/** The frames `@nangohq/frontend` reads (compat doc 3.3 step 4): the SDK resolves or rejects `auth()` from these. */
import type { FlowResult } from '../../auth-flows/flow-results';

export type NangoFrontendFrame =
  | { message_type: 'connection_ack'; ws_client_id: string }
  | { message_type: 'success'; provider_config_key: string; connection_id: string; is_pending: false }
  | {
      message_type: 'error';
      provider_config_key: string | undefined;
      connection_id: string | undefined;
      error_type: string;
      error_desc: string;
    };

export function flowResultFrame(result: FlowResult): NangoFrontendFrame {
  if (result.ok) {
    return {
      message_type: 'success',
      provider_config_key: result.providerConfigKey,
      connection_id: result.connectionId,
      is_pending: false,
    };
  }
  return {
    message_type: 'error',
    provider_config_key: result.providerConfigKey,
    connection_id: result.connectionId,
    error_type: result.errorType,
    error_desc: result.errorDescription,
  };
}
