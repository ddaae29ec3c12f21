/** Shown on a new environment's home: the three steps from nothing to a working test connection. */
import { Link } from '@tanstack/react-router';
import { Card, CardBody, CardHeader } from '../ui/card';

export function GettingStarted({ env }: { env: string }) {
  return (
    <Card>
      <CardHeader title="Get started" description="From nothing to a working connection in three steps." />
      <CardBody>
        <ol className="steps">
          <li>
            <p className="step-title">Create an integration</p>
            <p className="subtle">
              Pick a provider, paste your OAuth app’s client ID and secret, copy the callback URL.
            </p>
            <Link to="/dashboard/$env/integrations" params={{ env }} className="btn btn-primary btn-sm">
              Browse the catalog
            </Link>
          </li>
          <li>
            <p className="step-title">Add a test connection</p>
            <p className="subtle">
              Run the real authorization flow with your own account from the integration’s page.
            </p>
          </li>
          <li>
            <p className="step-title">Watch it work</p>
            <p className="subtle">
              Follow each flow{' '}
              <Link to="/dashboard/$env/logs" params={{ env }}>
                step by step as it runs
              </Link>
              , then{' '}
              <Link to="/dashboard/$env/connections" params={{ env }}>
                find the new credentials
              </Link>
              .
            </p>
          </li>
        </ol>
      </CardBody>
    </Card>
  );
}
