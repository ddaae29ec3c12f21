/**
 * The connection's metadata as editable JSON, validated as you type (it must be an object). Saving replaces the
 * metadata as a whole (`connections.setMetadata`), which is what the editor shows.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Button } from '../ui/button';
import { Card, CardBody, CardFooter, CardHeader } from '../ui/card';
import { FormError } from '../ui/error-state';
import { TextAreaField } from '../ui/field';
import { useToast } from '../ui/toast';
import type { ConnectionSummary } from './connection-types';
import { canonicalJson, formatMetadata, parseMetadata } from './metadata-json';
import { SUPPORT_ROLE_NOTE } from './use-operator-permissions';

export function MetadataEditor({
  connection,
  canWrite,
}: {
  connection: ConnectionSummary;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const saved = formatMetadata(connection.metadata);
  const savedCanonical = canonicalJson(connection.metadata ?? {});
  const [text, setText] = useState(saved);
  const [base, setBase] = useState(saved);
  const parsed = parseMetadata(text);
  const dirty = !parsed.ok || canonicalJson(parsed.value) !== savedCanonical;
  if (saved !== base) {
    // The server's copy changed (a save, or another operator): follow it unless there are other local edits.
    setBase(saved);
    if (text === base || !dirty) setText(saved);
  }

  const save = useMutation(
    trpc.connections.setMetadata.mutationOptions({
      onSuccess: async () => {
        toast('Metadata saved');
        await queryClient.invalidateQueries({
          queryKey: trpc.connections.summary.queryKey({
            integration: connection.provider_config_key,
            connectionId: connection.connection_id,
          }),
        });
      },
    }),
  );

  return (
    <Card aria-labelledby="conn-metadata-heading">
      <CardHeader
        title={<span id="conn-metadata-heading">Metadata</span>}
        description="Your own data about this connection, returned with it by the API."
      />
      <CardBody className="stack-sm">
        <form
          id="conn-metadata-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!parsed.ok || !canWrite) return;
            save.mutate({
              connection_id: connection.connection_id,
              provider_config_key: connection.provider_config_key,
              metadata: parsed.value,
            });
          }}
        >
          <TextAreaField
            label="Metadata (JSON object)"
            className="mono conn-json-editor"
            value={text}
            rows={Math.min(18, Math.max(5, text.split('\n').length + 1))}
            spellCheck={false}
            readOnly={!canWrite}
            error={parsed.ok ? undefined : parsed.message}
            hint={canWrite ? (dirty ? 'Unsaved changes' : 'Saved') : SUPPORT_ROLE_NOTE}
            onChange={(event) => setText(event.target.value)}
          />
        </form>
        <FormError error={save.error} />
      </CardBody>
      {canWrite ? (
        <CardFooter>
          <Button
            size="sm"
            variant="ghost"
            disabled={!dirty || save.isPending}
            onClick={() => setText(saved)}
          >
            Discard changes
          </Button>
          <Button
            size="sm"
            variant="primary"
            type="submit"
            form="conn-metadata-form"
            disabled={!dirty || !parsed.ok}
            loading={save.isPending}
          >
            Save metadata
          </Button>
        </CardFooter>
      ) : null}
    </Card>
  );
}
