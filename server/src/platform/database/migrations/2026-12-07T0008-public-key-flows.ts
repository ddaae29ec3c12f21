import type { Kysely } from 'kysely';

/**
 * Secure defaults for the legacy frontend flows and webhook signature (issue 14). Public-key flows (the Nango
 * frontend SDK's `publicKey` instead of a connect session) become an explicit per-environment opt-in, and the
 * `X-Nango-Signature` header (SHA-256 of key and body, not an HMAC) is sent only to environments that ask for it.
 *
 * HMAC is switched on for every existing environment, not only defaulted on for new ones: until now public-key flows
 * were on with HMAC off by default, so a stored `false` records the old default rather than an operator's decision.
 * Once flows are off (below) the HMAC setting changes nothing; an operator who turns public-key flows back on gets
 * them HMAC-protected, and must turn HMAC off explicitly (which the settings answer with a warning) to get the old
 * unprotected behaviour.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('environments')
    .addColumn('public_key_flows_enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('legacy_webhook_signature', 'boolean', (c) => c.notNull().defaultTo(false))
    .alterColumn('hmac_enabled', (c) => c.setDefault(true))
    .execute();
  await db.updateTable('environments').set({ hmac_enabled: true }).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations work on any schema
export async function down(db: Kysely<any>): Promise<void> {
  // The HMAC values stay as they are: which environments had it off before cannot be known.
  await db.schema
    .alterTable('environments')
    .dropColumn('public_key_flows_enabled')
    .dropColumn('legacy_webhook_signature')
    .alterColumn('hmac_enabled', (c) => c.setDefault(false))
    .execute();
}
