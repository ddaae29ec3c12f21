/**
 * The form generated from the provider's declared fields: connection config (subdomain, region) first, then the
 * credentials for API key and basic. Values are checked before submit with the server's rules.
 */
import { type FormEvent, useId, useRef, useState } from 'react';
import type { FieldDeclaration, SessionIntegration } from '../core/types';
import { type FieldProblem, isFieldVisible, orderedFields, validateForm } from '../forms/field-validation';
import type { Strings } from './strings';

export interface FormValues {
  connectionConfig: Record<string, string>;
  credentials: Record<string, string>;
}

export function IntegrationForm(props: {
  integration: SessionIntegration;
  askCredentials: boolean;
  initial: Record<string, string>;
  strings: Strings;
  busy: boolean;
  /** Called synchronously inside the submit event (an OAuth popup may open there). */
  onSubmit(values: FormValues): void;
}) {
  const { integration, askCredentials, strings, busy } = props;
  const configFields = integration.connection_config;
  const credentialFields = askCredentials ? integration.credentials : {};
  const [values, setValues] = useState<Record<string, string>>(() =>
    initialValues(props.initial, configFields),
  );
  const [problems, setProblems] = useState<Record<string, FieldProblem>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const baseId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateForm(configFields, credentialFields, values);
    setProblems(found);
    const firstInvalid = Object.keys(found)[0];
    if (firstInvalid !== undefined) {
      const control = formRef.current?.elements.namedItem(firstInvalid);
      if (control instanceof HTMLElement) control.focus();
      return;
    }
    const pick = (fields: Record<string, FieldDeclaration>) =>
      Object.fromEntries(
        Object.entries(fields)
          .filter(([name, declaration]) => isFieldVisible(declaration, values) && (values[name] ?? '') !== '')
          .map(([name]) => [
            name,
            fields === configFields ? (values[name] ?? '').trim() : (values[name] ?? ''),
          ]),
      );
    props.onSubmit({ connectionConfig: pick(configFields), credentials: pick(credentialFields) });
  };

  const renderField = ([name, declaration]: [string, FieldDeclaration]) => {
    if (!isFieldVisible(declaration, values)) return null;
    const id = `${baseId}-${name}`;
    const problem = problems[name];
    const described = [`${id}-help`, problem ? `${id}-error` : ''].filter(Boolean).join(' ');
    const docs =
      integration.docs_connect && declaration.doc_section
        ? `${integration.docs_connect}${declaration.doc_section}`
        : undefined;
    const common = {
      id,
      name,
      className: 'lk-input',
      value: values[name] ?? '',
      'aria-invalid': problem ? true : undefined,
      'aria-describedby': described,
      'aria-required': declaration.optional === true ? undefined : true,
    };
    const onChange = (value: string) => {
      setValues((previous) => ({ ...previous, [name]: value }));
      if (problem) setProblems(({ [name]: _, ...rest }) => rest);
    };
    return (
      <div className="lk-field" key={name}>
        <label className="lk-label" htmlFor={id}>
          {declaration.title}
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
    <form ref={formRef} onSubmit={submit} noValidate>
      {orderedFields(configFields).map(renderField)}
      {orderedFields(credentialFields).map(renderField)}
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

function initialValues(
  initial: Record<string, string>,
  configFields: Record<string, FieldDeclaration>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(configFields)) {
    const value = initial[name] ?? declaration.default_value;
    if (value !== undefined) values[name] = value;
  }
  return values;
}
