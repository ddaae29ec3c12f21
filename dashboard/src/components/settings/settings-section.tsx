/** A settings card whose body loads with the environment's settings (loading and error states included). */
import type { ReactNode } from 'react';
import { Card, CardBody, CardHeader } from '../ui/card';
import { ErrorState } from '../ui/error-state';
import { SkeletonRows } from '../ui/skeleton';
import { useEnvironmentSettings } from './use-environment-settings';

type Settings = NonNullable<ReturnType<typeof useEnvironmentSettings>['data']>;

export function SettingsSection({
  title,
  description,
  children,
}: {
  title: string;
  description?: ReactNode;
  children: (settings: Settings) => ReactNode;
}) {
  const settings = useEnvironmentSettings();
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody>
        {settings.isPending ? (
          <SkeletonRows rows={2} label={`Loading ${title.toLowerCase()}`} />
        ) : settings.isError ? (
          <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
        ) : (
          children(settings.data)
        )}
      </CardBody>
    </Card>
  );
}

export type { Settings as EnvironmentSettings };
