/**
 * The custom-provider editor: a provider definition in JSON (the fields of Nango's `providers.yaml` entry), checked
 * as you type against the same schema and rules the server applies, with each problem listed at its path. Saving
 * creates the provider, or updates it (a top-level merge patch: removed keys are sent as null).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useState } from 'react';
import { useTRPC } from '../../api/trpc';
import { PageHeader } from '../layout/page-header';
import { Button } from '../ui/button';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ConfirmDialog } from '../ui/dialog';
import { ErrorState, FormError } from '../ui/error-state';
import { CheckIcon } from '../ui/icons';
import { SkeletonRows } from '../ui/skeleton';
import { useToast } from '../ui/toast';
import type { DefinitionCheck, DefinitionProblem } from './provider-definition-check';
import type { ProviderOutput } from './provider-view';
import { fieldProblemsOf } from './server-errors';

const TEMPLATE = `{
  "name": "my-provider",
  "display_name": "My provider",
  "docs": "https://example.com/docs",
  "categories": ["other"],
  "auth_mode": "OAUTH2",
  "authorization_url": "https://example.com/oauth/authorize",
  "token_url": "https://example.com/oauth/token",
  "default_scopes": ["read"],
  "proxy": { "base_url": "https://api.example.com" }
}
`;

/** What the API adds to a definition when it returns a provider; not part of what is edited. */
const OUTPUT_ONLY = new Set(['name', 'logo_url', 'custom']);

type Checker = typeof import('./provider-definition-check').checkProviderDefinition;

export function CustomProviderEditor({ env, name }: { env: string; name: string | undefined }) {
  const trpc = useTRPC();
  const existing = useQuery({
    ...trpc.providers.get.queryOptions({ name: name ?? '' }),
    enabled: name !== undefined,
    retry: false,
  });
  const title = name === undefined ? 'New custom provider' : `Edit provider ${name}`;
  const eyebrow = (
    <Link to="/dashboard/$env/integrations" params={{ env }}>
      Integrations
    </Link>
  );
  if (name !== undefined && existing.isPending) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={title} />
        <SkeletonRows rows={6} label="Loading the provider" />
      </>
    );
  }
  if (name !== undefined && existing.isError) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={title} />
        <ErrorState error={existing.error} onRetry={() => existing.refetch()} />
      </>
    );
  }
  if (existing.data !== undefined && !existing.data.custom) {
    return (
      <>
        <PageHeader eyebrow={eyebrow} title={title} />
        <ErrorState
          error={
            new Error(
              `${name} is part of the shipped catalog; register a custom provider under another name.`,
            )
          }
          title="Catalog providers cannot be edited"
        />
      </>
    );
  }
  return (
    <>
      <PageHeader
        eyebrow={eyebrow}
        title={title}
        description="A provider definition in JSON, in the format of Nango’s providers.yaml entries. Checked as you type."
      />
      <DefinitionForm env={env} existing={existing.data} />
    </>
  );
}

function DefinitionForm({ env, existing }: { env: string; existing: ProviderOutput | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const textareaId = useId();
  const problemsId = useId();
  const original = existing === undefined ? undefined : definitionOf(existing);
  const [text, setText] = useState(() =>
    original === undefined ? TEMPLATE : `${JSON.stringify(original, null, 2)}\n`,
  );
  const [checker, setChecker] = useState<Checker | null>(null);
  const [check, setCheck] = useState<DefinitionCheck | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  // The schema (and zod) arrive with the first check, in their own chunk.
  useEffect(() => {
    let live = true;
    void import('./provider-definition-check').then((module) => {
      if (live) setChecker(() => module.checkProviderDefinition);
    });
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    if (checker === null) return;
    const timer = window.setTimeout(() => setCheck(checker(text, { named: existing === undefined })), 150);
    return () => window.clearTimeout(timer);
  }, [checker, text, existing]);

  const onSaved = async (provider: ProviderOutput) => {
    await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
    await queryClient.invalidateQueries({ queryKey: trpc.providers.get.queryKey({ name: provider.name }) });
    toast(existing === undefined ? `Provider ${provider.name} created` : `Provider ${provider.name} saved`);
    if (existing === undefined) {
      await navigate({
        to: '/dashboard/$env/integrations/new',
        params: { env },
        search: { provider: provider.name },
      });
    }
  };
  const create = useMutation(trpc.providers.create.mutationOptions({ onSuccess: onSaved }));
  const update = useMutation(trpc.providers.update.mutationOptions({ onSuccess: onSaved }));
  const remove = useMutation(
    trpc.providers.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
        toast(`Provider ${existing?.name} deleted`);
        await navigate({ to: '/dashboard/$env/integrations', params: { env } });
      },
    }),
  );
  const save = existing === undefined ? create : update;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (checker === null) return;
    // Checked again now: the live check runs a moment after typing and may describe an older text.
    const current = checker(text, { named: existing === undefined });
    setCheck(current);
    if (!current.ok) {
      document.getElementById(textareaId)?.focus();
      return;
    }
    if (existing === undefined) {
      create.mutate(current.definition);
    } else {
      // Top-level merge patch: a key deleted in the editor is sent as null so the server removes it.
      const patch: Record<string, unknown> = { ...current.definition };
      for (const key of Object.keys(original ?? {})) if (!(key in patch)) patch[key] = null;
      update.mutate({ name: existing.name, patch });
    }
  }

  const serverProblems: DefinitionProblem[] = Object.entries(fieldProblemsOf(save.error)).map(
    ([path, message]) => ({
      path,
      message,
    }),
  );
  const problems = check !== null && !check.ok ? check.problems : [];
  const invalid = problems.length > 0;

  return (
    <div className="int-layout int-layout-2">
      <Card>
        <CardBody>
          <form className="stack" onSubmit={submit} noValidate>
            <div className="field">
              <label className="field-label" htmlFor={textareaId}>
                Provider definition (JSON)
              </label>
              <textarea
                id={textareaId}
                className="input textarea int-definition"
                value={text}
                onChange={(event) => setText(event.target.value)}
                onKeyDown={indentWithTab}
                spellCheck={false}
                autoComplete="off"
                autoCapitalize="off"
                aria-invalid={invalid || undefined}
                aria-describedby={problemsId}
                rows={22}
              />
              <p className="field-hint">
                {existing === undefined ? (
                  <>
                    <code>name</code> (lower-case letters, digits, dashes) names the provider; it cannot
                    change later.
                  </>
                ) : (
                  `The name ${existing.name} is fixed; everything else can change.`
                )}{' '}
                Tab indents; Escape then Tab leaves the editor.
              </p>
            </div>
            {save.isError && serverProblems.length === 0 ? <FormError error={save.error} /> : null}
            <div className="row">
              <Button
                type="submit"
                variant="primary"
                loading={save.isPending}
                disabled={check === null || invalid}
              >
                {existing === undefined ? 'Create provider' : 'Save provider'}
              </Button>
              {existing === undefined ? (
                <Button variant="ghost" onClick={() => setText(TEMPLATE)}>
                  Reset to the template
                </Button>
              ) : (
                <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                  Delete provider
                </Button>
              )}
            </div>
          </form>
        </CardBody>
      </Card>
      <Card aria-labelledby={`${problemsId}-title`}>
        <CardHeader title={<span id={`${problemsId}-title`}>Validation</span>} />
        <CardBody>
          <div id={problemsId} aria-live="polite">
            {check === null ? (
              <p className="subtle">Loading the provider schema…</p>
            ) : problems.length > 0 ? (
              <ProblemList label="Problems in the definition" problems={problems} />
            ) : (
              <p className="int-valid">
                <CheckIcon /> The definition is valid.
              </p>
            )}
            {serverProblems.length > 0 ? (
              <div className="stack-sm" style={{ marginTop: 'var(--space-4)' }}>
                <p role="alert">{save.error?.message}</p>
                <ProblemList label="Problems the server found" problems={serverProblems} />
              </div>
            ) : null}
          </div>
        </CardBody>
      </Card>
      {existing !== undefined ? (
        <ConfirmDialog
          open={confirmDelete}
          onOpenChange={setConfirmDelete}
          title={`Delete provider ${existing.name}?`}
          description="Integrations that use it must be deleted first."
          confirmLabel="Delete provider"
          pending={remove.isPending}
          onConfirm={() => remove.mutate({ name: existing.name })}
          error={remove.isError ? <FormError error={remove.error} /> : undefined}
        />
      ) : null}
    </div>
  );
}

function ProblemList({ label, problems }: { label: string; problems: DefinitionProblem[] }) {
  return (
    <ul className="int-problems" aria-label={label}>
      {problems.slice(0, 50).map((problem, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: two problems may share a path and a message
        <li key={index}>
          <span className="int-problem-path">{problem.path || '(document)'}</span>
          <span>{problem.message}</span>
        </li>
      ))}
      {problems.length > 50 ? <li className="subtle">…and {problems.length - 50} more</li> : null}
    </ul>
  );
}

function definitionOf(provider: ProviderOutput): Record<string, unknown> {
  return Object.fromEntries(Object.entries(provider).filter(([key]) => !OUTPUT_ONLY.has(key)));
}

/** Tab inserts two spaces, as in any code editor; after Escape, Tab moves focus on as usual. */
function indentWithTab(event: KeyboardEvent<HTMLTextAreaElement>) {
  const area = event.currentTarget;
  if (event.key === 'Escape') {
    area.dataset.tabEscapes = 'true';
    return;
  }
  if (event.key !== 'Tab' || event.shiftKey || area.dataset.tabEscapes === 'true') {
    delete area.dataset.tabEscapes;
    return;
  }
  event.preventDefault();
  area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
  // setRangeText does not fire React's onChange: tell it.
  area.dispatchEvent(new Event('input', { bubbles: true }));
}
