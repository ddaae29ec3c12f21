/** A JSON value shown read-only, pretty-printed, with a copy button. */
import { CopyButton } from '../ui/copy-button';
import { CodeBlock } from './code-block';

export function JsonBlock({
  value,
  what,
  empty = 'Empty',
}: {
  value: unknown;
  what: string;
  empty?: string;
}) {
  const isEmpty =
    value === null ||
    value === undefined ||
    (typeof value === 'object' && Object.keys(value as object).length === 0);
  if (isEmpty) return <p className="subtle">{empty}</p>;
  const text = JSON.stringify(value, null, 2);
  return (
    <div className="conn-json">
      <CodeBlock label={`${what} as JSON`}>{text}</CodeBlock>
      <div className="conn-json-copy">
        <CopyButton value={text} what={what} />
      </div>
    </div>
  );
}
