/** The frame of the signed-out pages (sign-in, first-run setup, invitation): the mark, a card, a footnote. */
import { type ReactNode, useEffect } from 'react';
import { LatchkeyMark } from '../layout/latchkey-mark';

export function AuthLayout({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  useEffect(() => {
    document.title = `${title} · Latchkey`;
  }, [title]);
  return (
    <div className="auth-page">
      <main className="auth-main" id="main">
        <div className="auth-brand">
          <LatchkeyMark size={36} />
          <span className="brand-name">Latchkey</span>
        </div>
        <section className="auth-card" aria-labelledby="auth-title">
          <h1 id="auth-title" className="auth-title">
            {title}
          </h1>
          {description ? <p className="auth-description">{description}</p> : null}
          {children}
        </section>
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
    </div>
  );
}

/** A `redirect` search param is only followed when it is a path on this origin. */
export function safeReturnPath(value: string | undefined): string | undefined {
  if (value === undefined || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\'))
    return undefined;
  return value;
}
