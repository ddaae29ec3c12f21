/** What the router shows for an unknown URL or a page that threw while rendering. */
import { type ErrorComponentProps, Link } from '@tanstack/react-router';
import { ErrorState } from '../ui/error-state';
import { PageHeader } from './page-header';

export function NotFoundPage() {
  return (
    <main className="page centered-page" id="main">
      <PageHeader title="Page not found" description="There is nothing at this address." />
      <Link to="/" className="btn btn-primary">
        Go to the dashboard
      </Link>
    </main>
  );
}

export function RouteErrorPage({ error, reset }: ErrorComponentProps) {
  return (
    <div className="route-error">
      <PageHeader title="Something went wrong" />
      <ErrorState error={error} title="This page failed to load" onRetry={reset} />
    </div>
  );
}
