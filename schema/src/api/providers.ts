import { z } from 'zod';
import { booleanStringSchema } from './query';

export const listProvidersQuerySchema = z.object({ search: z.string().max(100).optional() }).strict();

/** A provider as the API shows it: its definition plus `name`, `logo_url` and whether the environment defined it. */
export const providerOutputSchema = z
  .object({ name: z.string(), display_name: z.string(), logo_url: z.string(), custom: z.boolean() })
  .passthrough();
export type ProviderOutput = z.infer<typeof providerOutputSchema>;

/** `POST /providers/import?override=true`: shipped providers named in the file are replaced for the environment. */
export const importProvidersQuerySchema = z.object({ override: booleanStringSchema.optional() }).strict();

/**
 * What a providers-file import did, entry by entry: `imported` new custom providers, `updated` custom providers
 * replaced, `skipped` shipped providers left as they are (no override), `refused` entries with the reason.
 */
export const providersImportReportSchema = z.object({
  imported: z.array(z.string()),
  updated: z.array(z.string()),
  skipped: z.array(z.string()),
  refused: z.array(z.object({ name: z.string(), reason: z.string() })),
});
export type ProvidersImportReport = z.infer<typeof providersImportReportSchema>;
