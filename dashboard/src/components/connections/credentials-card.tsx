/**
 * Credentials, masked until revealed. The page itself loads the connection without secrets; `Reveal` asks the server
 * for them (needs `read_credentials`, and the server writes `connection.reveal` to the audit log), and `Hide` forgets
 * them: the revealed values are kept in this component only, never in the query cache.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { CopyButton } from '../ui/copy-button';
import { FormError } from '../ui/error-state';
import { KeyIcon, ShieldIcon } from '../ui/icons';
import { CodeBlock } from './code-block';
import type { ConnectionSummary } from './connection-types';
import { SUPPORT_ROLE_NOTE } from './use-operator-permissions';

/** The secret fields each auth mode holds, to draw the masked rows before anything is revealed. */
const MASKED_FIELDS: Record<string, string[]> = {
  OAUTH2: ['access_token', 'refresh_token'],
  OAUTH2_CC: ['token'],
  OAUTH1: ['oauth_token', 'oauth_token_secret'],
  API_KEY: ['apiKey'],
  BASIC: ['username', 'password'],
  JWT: ['token'],
};

const MASK = '••••••••••••••••';

export function CredentialsCard({
  connection,
  canReveal,
}: {
  connection: ConnectionSummary;
  canReveal: boolean;
}) {
  const trpc = useTRPC();
  const reveal = useMutation({ ...trpc.connections.reveal.mutationOptions(), gcTime: 0 });
  const revealed = reveal.data;
  const input = { integration: connection.provider_config_key, connectionId: connection.connection_id };

  // Leaving the page (or switching connection) forgets the secrets.
  const { reset } = reveal;
  useEffect(() => reset, [reset]);

  return (
    <Card aria-labelledby="conn-credentials-heading">
      <CardHeader
        title={<span id="conn-credentials-heading">Credentials</span>}
        description={
          revealed
            ? 'Shown to you only; this reveal is in the audit log.'
            : 'Masked. Revealing them is written to the audit log.'
        }
        actions={
          revealed ? (
            <Button size="sm" onClick={() => reveal.reset()}>
              Hide
            </Button>
          ) : canReveal ? (
            <Button
              size="sm"
              variant="primary"
              loading={reveal.isPending}
              onClick={() => reveal.mutate(input)}
            >
              <KeyIcon />
              Reveal
            </Button>
          ) : null
        }
      />
      <CardBody className="stack">
        {!canReveal ? (
          <p className="callout" role="note">
            <ShieldIcon size={16} />
            <span>{SUPPORT_ROLE_NOTE} Ask a developer or an admin to reveal them.</span>
          </p>
        ) : null}
        <FormError error={reveal.error} />
        {revealed ? <RevealedFields credentials={revealed} /> : <MaskedFields connection={connection} />}
      </CardBody>
    </Card>
  );
}

function MaskedFields({ connection }: { connection: ConnectionSummary }) {
  const fields = MASKED_FIELDS[connection.auth_mode] ?? ['secret'];
  return (
    <dl className="kv conn-kv">
      <dt>Type</dt>
      <dd className="mono">{connection.auth_mode}</dd>
      {fields.map((field) => (
        <MaskedRow key={field} name={field} />
      ))}
    </dl>
  );
}

function MaskedRow({ name }: { name: string }) {
  return (
    <>
      <dt className="mono">{name}</dt>
      <dd>
        <span className="conn-masked" aria-hidden="true">
          {MASK}
        </span>
        <span className="sr-only">hidden</span>
      </dd>
    </>
  );
}

function RevealedFields({ credentials }: { credentials: Record<string, unknown> }) {
  const entries = Object.entries(credentials).filter(([key]) => key !== 'raw');
  const raw = credentials.raw;
  return (
    <div className="stack">
      <dl className="kv conn-kv">
        {entries.map(([key, value]) => {
          const text = typeof value === 'string' ? value : JSON.stringify(value);
          return (
            <div key={key} className="conn-kv-row">
              <dt className="mono">{key}</dt>
              <dd>
                <span className="conn-copy-row">
                  <code className="conn-secret">{text}</code>
                  {typeof value === 'string' && value !== '' ? <CopyButton value={value} what={key} /> : null}
                </span>
              </dd>
            </div>
          );
        })}
      </dl>
      {raw !== undefined && raw !== null ? (
        <details className="conn-details">
          <summary>Raw token response</summary>
          <CodeBlock label="Raw token response">{JSON.stringify(raw, null, 2)}</CodeBlock>
        </details>
      ) : null}
    </div>
  );
}
