/** A failed load: the server's message and stable code (as REST would answer), and a retry. */
import { describeError } from '../../api/trpc';
import { Button } from './button';
import { AlertIcon } from './icons';

export function ErrorState({
  error,
  title = 'This could not be loaded',
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const { code, message } = describeError(error);
  return (
    <div className="error-state" role="alert">
      <AlertIcon size={20} />
      <div>
        <p className="error-state-title">{title}</p>
        <p className="error-state-message">
          {message} <code className="error-code">{code}</code>
        </p>
      </div>
      {onRetry ? (
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

/** An inline form error (role=alert so it is read out when it appears). */
export function FormError({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const { code, message } =
    typeof error === 'string'
      ? { code: '', message: error }
      : isCodedMessage(error)
        ? error
        : describeError(error);
  return (
    <div className="form-error" role="alert">
      <AlertIcon size={16} />
      <span>
        {message}
        {code ? <span className="form-error-code">{code}</span> : null}
      </span>
    </div>
  );
}

function isCodedMessage(value: unknown): value is { code: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}
