/**
 * Importing a whole providers file (Nango's `providers.yaml`, or the same map as JSON) as custom providers of the
 * environment, then the outcome of each entry: imported, updated, skipped (shipped, not overridden) or refused.
 */
import type { ProvidersImportReport } from '@latchkey/schema';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, useId, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { Badge, type BadgeTone } from '../ui/badge';
import { Button } from '../ui/button';
import { Dialog, DialogClose } from '../ui/dialog';
import { FormError } from '../ui/error-state';
import { CheckboxField, Field } from '../ui/field';
import { Table } from '../ui/table';

const OUTCOME_TONES: Record<string, BadgeTone> = {
  imported: 'success',
  updated: 'info',
  skipped: 'neutral',
  refused: 'danger',
};

export function ImportProvidersDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File | undefined>();
  const [override, setOverride] = useState(false);
  const importFile = useMutation(
    trpc.providers.import.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.providers.get.queryKey() });
      },
    }),
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (file === undefined) return;
    const format = /\.json$/i.test(file.name) || file.type === 'application/json' ? 'json' : 'yaml';
    importFile.mutate({ content: await file.text(), format, override });
  }

  function reset(next: boolean) {
    setOpen(next);
    if (!next) {
      setFile(undefined);
      setOverride(false);
      importFile.reset();
    }
  }

  const formId = `${inputId}-form`;
  return (
    <Dialog
      open={open}
      onOpenChange={reset}
      size="lg"
      title="Import a providers file"
      description="A file in the format of Nango's providers.yaml (YAML or JSON). Each entry is checked on its own: the valid ones are imported even when others are refused."
      trigger={<Button variant="secondary">Import providers file</Button>}
      footer={
        <>
          <DialogClose asChild>
            <Button>{importFile.isSuccess ? 'Close' : 'Cancel'}</Button>
          </DialogClose>
          {importFile.isSuccess ? null : (
            <Button
              type="submit"
              form={formId}
              variant="primary"
              disabled={file === undefined}
              loading={importFile.isPending}
            >
              Import
            </Button>
          )}
        </>
      }
    >
      {importFile.isSuccess ? (
        <ImportReportTable report={importFile.data} />
      ) : (
        <form id={formId} onSubmit={submit} className="stack-sm">
          <Field id={inputId} label="Providers file">
            <input
              id={inputId}
              type="file"
              accept=".yaml,.yml,.json,application/yaml,application/json,text/yaml"
              onChange={(event: ChangeEvent<HTMLInputElement>) => setFile(event.target.files?.[0])}
            />
          </Field>
          <CheckboxField
            label="Override shipped providers"
            hint="Entries named like a shipped provider replace it in this environment; otherwise they are skipped."
            checked={override}
            onChange={(event) => setOverride(event.target.checked)}
          />
          {importFile.isError ? <FormError error={importFile.error} /> : null}
        </form>
      )}
    </Dialog>
  );
}

function ImportReportTable({ report }: { report: ProvidersImportReport }) {
  const rows = [
    ...report.imported.map((name) => ({ name, outcome: 'imported', reason: '' })),
    ...report.updated.map((name) => ({ name, outcome: 'updated', reason: '' })),
    ...report.skipped.map((name) => ({
      name,
      outcome: 'skipped',
      reason: 'Shipped provider, not overridden',
    })),
    ...report.refused.map(({ name, reason }) => ({ name, outcome: 'refused', reason })),
  ];
  return (
    <div className="stack-sm">
      <p role="status">
        {report.imported.length} imported, {report.updated.length} updated, {report.skipped.length} skipped,{' '}
        {report.refused.length} refused.
      </p>
      {rows.length > 0 ? (
        <Table caption="Outcome of each entry">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Outcome</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name}>
                <td className="mono">{row.name}</td>
                <td>
                  <Badge tone={OUTCOME_TONES[row.outcome]}>{row.outcome}</Badge>
                </td>
                <td className="subtle">{row.reason}</td>
              </tr>
            ))}
          </tbody>
        </Table>
      ) : null}
    </div>
  );
}
