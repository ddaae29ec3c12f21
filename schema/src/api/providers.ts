import { z } from 'zod';

export const listProvidersQuerySchema = z.object({ search: z.string().max(100).optional() }).strict();

/** A provider as the API shows it: its definition plus `name`, `logo_url` and whether the environment defined it. */
export const providerOutputSchema = z
  .object({ name: z.string(), display_name: z.string(), logo_url: z.string(), custom: z.boolean() })
  .passthrough();
export type ProviderOutput = z.infer<typeof providerOutputSchema>;
