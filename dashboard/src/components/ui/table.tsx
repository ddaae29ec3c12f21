/** A data table that scrolls sideways on narrow screens instead of squashing columns. */
import type { HTMLAttributes, ReactNode, TableHTMLAttributes } from 'react';

export function Table({
  caption,
  children,
  className,
  ...props
}: TableHTMLAttributes<HTMLTableElement> & { caption?: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className={`table ${className ?? ''}`} {...props}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

/** A row-count footer under a table ("12 of 340", a "Load more" button). */
export function TableFooter(props: HTMLAttributes<HTMLDivElement>) {
  return <div className="table-footer" {...props} />;
}
