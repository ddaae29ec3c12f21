/** A bordered surface with an optional header (title, description, actions). */
import type { HTMLAttributes, ReactNode } from 'react';

export function Card({ className, ...props }: HTMLAttributes<HTMLElement>) {
  return <section className={`card ${className ?? ''}`} {...props} />;
}

export function CardHeader({
  title,
  description,
  actions,
  headingLevel = 2,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  headingLevel?: 2 | 3;
}) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <header className="card-header">
      <div>
        <Heading className="card-title">{title}</Heading>
        {description ? <p className="card-description">{description}</p> : null}
      </div>
      {actions ? <div className="card-actions">{actions}</div> : null}
    </header>
  );
}

export function CardBody({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={`card-body ${className ?? ''}`} {...props} />;
}

export function CardFooter({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={`card-footer ${className ?? ''}`} {...props} />;
}
