/**
 * The form generated from the provider's declared fields: connection config (subdomain, region) first, then the
 * credentials its auth mode asks (API key, user name and password, client id and secret, a TWO_STEP or JWT entry's
 * own fields). Values are checked before submit with the server's rules. The two groups are kept apart: a provider
 * may use one name in both (an API key in the connection config and an API secret as `apiKey`).
 */
import { type FormEvent, useId, useMemo, useState } from 'react';
import { assertionFields, credentialFields, showsExternalId } from '../core/auth-modes';
import { createUuid } from '../core/nonce';
import type { FieldDeclaration, SessionIntegration } from '../core/types';
import { type FieldProblem, isFieldVisible, orderedFields, validateForm } from '../forms/field-validation';
import { configFieldsOf, shown } from '../forms/form-fields';
import type { Strings } from './strings';

export interface FormValues {
  connectionConfig: Record<string, string>;
  credentials: Record<string, string>;
  /** TWO_STEP: the inputs of the entry's signed assertion. */
  assertionOption: Record<string, string>;
}

type Group = keyof FormValues;

export function IntegrationForm(props: {
  integration: SessionIntegration;
  initial: Record<string, string>;
  /** A reconnect keeps what the connection was made with (AWS: its ExternalId, which the role's policy names). */
  reconnecting?: boolean;
  strings: Strings;
  busy: boolean;
  /** Called synchronously inside the submit event (an OAuth popup may open there). */
  onSubmit(values: FormValues): void;
}) {
  const { integration, strings, busy } = props;
  const fields = useMemo<Record<Group, Record<string, FieldDeclaration>>>(
    () => ({
      connectionConfig: configFieldsOf(integration),
      credentials: shown(credentialFields(integration)),
      assertionOption: shown(assertionFields(integration)),
    }),
    [integration],
  );
  const [values, setValues] = useState<FormValues>(() => ({
    connectionConfig: initialValues(fields.connectionConfig, props.initial),
    credentials: initialValues(fields.credentials, {}),
    assertionOption: initialValues(fields.assertionOption, {}),
  }));
  const [problems, setProblems] = useState<Record<string, FieldProblem>>({});
  const [externalId] = useState(() =>
    showsExternalId(integration.auth_mode) && !props.reconnecting
      ? props.initial.external_id || createUuid()
      : undefined,
  );
  const baseId = useId();
  const idOf = (group: Group, name: string) => `${baseId}-${group}-${name}`;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, FieldProblem> = {};
    for (const [name, problem] of Object.entries(
      validateForm(fields.connectionConfig, {}, values.connectionConfig),
    ))
      found[idOf('connectionConfig', name)] = problem;
    // Assertion inputs are secrets like credentials (a private key), checked the same way.
    for (const group of ['credentials', 'assertionOption'] as const) {
      for (const [name, problem] of Object.entries(validateForm({}, fields[group], values[group])))
        found[idOf(group, name)] = problem;
    }
    setProblems(found);
    const firstInvalid = Object.keys(found)[0];
    if (firstInvalid !== undefined) {
      document.getElementById(firstInvalid)?.focus();
      return;
    }
    const pick = (group: Group) =>
      Object.fromEntries(
        Object.entries(fields[group])
          .filter(
            ([name, field]) => isFieldVisible(field, values[group]) && (values[group][name] ?? '') !== '',
          )
          .map(([name]) => {
            const value = values[group][name] ?? '';
            // Connection config lands in URLs and is trimmed (as the server does); credentials go as typed.
            return [name, group === 'connectionConfig' ? value.trim() : value];
          }),
      );
    const connectionConfig = pick('connectionConfig');
    if (externalId !== undefined) connectionConfig.external_id = externalId;
    props.onSubmit({
      connectionConfig,
      credentials: pick('credentials'),
      assertionOption: pick('assertionOption'),
    });
  };

  const renderField = (group: Group) => (entry: [string, FieldDeclaration]) => {
    const [name, declaration] = entry;
    const groupValues = values[group];
    if (!isFieldVisible(declaration, groupValues)) return null;
    const id = idOf(group, name);
    const problem = problems[id];
    const described = [`${id}-help`, problem ? `${id}-error` : ''].filter(Boolean).join(' ');
    const docs =
      integration.docs_connect && declaration.doc_section
        ? `${integration.docs_connect}${declaration.doc_section}`
        : undefined;
    const common = {
      id,
      name,
      className: 'lk-input',
      value: groupValues[name] ?? '',
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': described,
      'aria-required': declaration.optional === true ? undefined : true,
    };
    const onChange = (value: string) => {
      setValues((previous) => ({ ...previous, [group]: { ...previous[group], [name]: value } }));
      if (problem) setProblems(({ [id]: _, ...rest }) => rest);
    };
    return (
      <div className="lk-field" key={id}>
        <label className="lk-label" htmlFor={id}>
          {/* Nango's file has fields with an empty title: the usual name of the field, else the field itself. */}
          {declaration.title || strings.fieldTitles[name] || name}
          {declaration.optional === true && <span className="lk-muted"> ({strings.optional})</span>}
        </label>
        <div className="lk-affix">
          {declaration.prefix && <span aria-hidden="true">{declaration.prefix}</span>}
          {declaration.enum ? (
            <select {...common} onChange={(event) => onChange(event.target.value)}>
              <option value="" />
              {declaration.enum.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...common}
              type={declaration.secret ? 'password' : 'text'}
              autoComplete={declaration.secret ? 'off' : undefined}
              placeholder={declaration.example}
              spellCheck={false}
              onChange={(event) => onChange(event.target.value)}
            />
          )}
          {declaration.suffix && <span aria-hidden="true">{declaration.suffix}</span>}
        </div>
        <span className="lk-help" id={`${id}-help`}>
          {declaration.description}
          {docs && (
            <>
              {' '}
              <a className="lk-link" href={docs} target="_blank" rel="noreferrer">
                {strings.docsLink}
              </a>
            </>
          )}
        </span>
        {problem && (
          <span className="lk-error" id={`${id}-error`} role="alert">
            {strings.problems[problem]}
          </span>
        )}
      </div>
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      {externalId !== undefined && (
        <ExternalId id={`${baseId}-external-id`} value={externalId} strings={strings} />
      )}
      {orderedFields(fields.connectionConfig).map(renderField('connectionConfig'))}
      {orderedFields(fields.credentials).map(renderField('credentials'))}
      {orderedFields(fields.assertionOption).map(renderField('assertionOption'))}
      {integration.docs_connect && (
        <p className="lk-muted">
          <a className="lk-link" href={integration.docs_connect} target="_blank" rel="noreferrer">
            {strings.docsLink}
          </a>
        </p>
      )}
      <button type="submit" className="lk-primary" disabled={busy}>
        {busy ? strings.connecting : strings.connectTo(integration.display_name)}
      </button>
    </form>
  );
}

/** The ExternalId to copy into the IAM role's trust policy before giving the role. */
function ExternalId(props: { id: string; value: string; strings: Strings }) {
  const { id, value, strings } = props;
  const [copied, setCopied] = useState(false);
  const clipboard = typeof navigator === 'undefined' ? undefined : navigator.clipboard;
  return (
    <div className="lk-field">
      <label className="lk-label" htmlFor={id}>
        {strings.externalId}
      </label>
      <div className="lk-affix">
        <input id={id} className="lk-input" value={value} readOnly aria-describedby={`${id}-help`} />
        {clipboard && (
          <button
            type="button"
            className="lk-icon-btn"
            onClick={() =>
              clipboard.writeText(value).then(
                () => setCopied(true),
                () => {},
              )
            }
          >
            {copied ? strings.copied : strings.copy}
          </button>
        )}
      </div>
      <span className="lk-help" id={`${id}-help`}>
        {strings.externalIdHelp}
      </span>
    </div>
  );
}

/** The app's (or the session's) values first, else each field's declared default. */
function initialValues(
  fields: Record<string, FieldDeclaration>,
  initial: Record<string, string>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(fields)) {
    const value = initial[name] ?? declaration.default_value;
    if (value !== undefined) values[name] = value;
  }
  return values;
}
