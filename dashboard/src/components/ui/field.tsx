/**
 * A labelled form control: the label, the control, a hint and an error, wired by ids so screen readers read all
 * three. `TextField`, `TextAreaField` and `SelectField` are the common cases.
 */
import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

interface FieldShellProps {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  children: ReactNode;
  className?: string;
}

export function Field({ id, label, hint, error, children, className }: FieldShellProps) {
  return (
    <div className={`field ${className ?? ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint !== undefined && !error ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  if (error) return `${id}-error`;
  return hint !== undefined ? `${id}-hint` : undefined;
}

type Labelled = { label: ReactNode; hint?: ReactNode; error?: ReactNode; fieldClassName?: string };

export function TextField({
  label,
  hint,
  error,
  fieldClassName,
  id,
  className,
  ...props
}: Labelled & InputHTMLAttributes<HTMLInputElement>) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <Field id={inputId} label={label} hint={hint} error={error} className={fieldClassName}>
      <input
        id={inputId}
        className={`input ${className ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, hint, error)}
        {...props}
      />
    </Field>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  fieldClassName,
  id,
  className,
  ...props
}: Labelled & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <Field id={inputId} label={label} hint={hint} error={error} className={fieldClassName}>
      <textarea
        id={inputId}
        className={`input textarea ${className ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, hint, error)}
        {...props}
      />
    </Field>
  );
}

export function SelectField({
  label,
  hint,
  error,
  fieldClassName,
  id,
  className,
  children,
  ...props
}: Labelled & SelectHTMLAttributes<HTMLSelectElement>) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <Field id={inputId} label={label} hint={hint} error={error} className={fieldClassName}>
      <select
        id={inputId}
        className={`input select ${className ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, hint, error)}
        {...props}
      >
        {children}
      </select>
    </Field>
  );
}

/** A checkbox with its label to the right, for settings toggles. */
export function CheckboxField({
  label,
  hint,
  id,
  ...props
}: { label: ReactNode; hint?: ReactNode } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const generated = useId();
  const inputId = id ?? generated;
  return (
    <div className="checkbox-field">
      <input
        id={inputId}
        type="checkbox"
        aria-describedby={hint ? `${inputId}-hint` : undefined}
        {...props}
      />
      <div>
        <label htmlFor={inputId} className="field-label">
          {label}
        </label>
        {hint ? (
          <p className="field-hint" id={`${inputId}-hint`}>
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
