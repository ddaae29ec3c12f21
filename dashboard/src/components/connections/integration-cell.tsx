/**
 * An integration by its key with its provider's logo. Logos are served by Latchkey at a path derived from the
 * provider's name, so a list of connections needs no extra request to draw them.
 */
import { ProviderLogo } from '../integrations/provider-logo';
import '../integrations/integrations.css';

export function providerLogoPath(provider: string): string {
  return `/images/template-logos/${encodeURIComponent(provider)}.svg`;
}

export function IntegrationCell({
  integration,
  provider,
  size = 20,
}: {
  integration: string;
  provider: string;
  size?: number;
}) {
  return (
    <span className="conn-integration">
      <ProviderLogo src={providerLogoPath(provider)} size={size} />
      <span className="mono">{integration}</span>
    </span>
  );
}
