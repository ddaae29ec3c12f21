/** The instance-wide rule: every operator must use two-factor authentication. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../api/trpc';
import { Card, CardBody, CardHeader } from '../ui/card';
import { FormError } from '../ui/error-state';
import { CheckboxField } from '../ui/field';
import { Skeleton } from '../ui/skeleton';
import { useToast } from '../ui/toast';

export function TwoFactorPolicy() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const settings = useQuery(trpc.instance.get.queryOptions());
  const update = useMutation(
    trpc.instance.update.mutationOptions({
      onSuccess: (data) => {
        queryClient.setQueryData(trpc.instance.get.queryKey(), data);
        toast(data.requireTwoFactor ? 'Two-factor is now required' : 'Two-factor is now optional');
      },
    }),
  );
  return (
    <Card>
      <CardHeader title="Security policy" description="Applies to every operator of this instance." />
      <CardBody className="stack">
        {settings.isPending ? (
          <Skeleton height={40} />
        ) : (
          <CheckboxField
            label="Require two-factor authentication"
            hint="Operators without it are sent to their account page to set it up before anything else."
            checked={settings.data?.requireTwoFactor ?? false}
            disabled={update.isPending || settings.isError}
            onChange={(event) => update.mutate({ requireTwoFactor: event.target.checked })}
          />
        )}
        <FormError error={update.error ?? settings.error} />
      </CardBody>
    </Card>
  );
}
