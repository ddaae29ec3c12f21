/** Provider entries as a Nango user writes them in providers.yaml, for tests that register or import providers. */

/** An API-key provider on a public host: valid anywhere, under any name (a shipped one, with `override`). */
export const apiKeyEntry = (displayName: string) => ({
  display_name: displayName,
  docs: 'https://docs.acme.example',
  auth_mode: 'API_KEY',
  credentials: { apiKey: { type: 'string', title: 'Key', description: 'Your key' } },
  proxy: { base_url: 'https://api.acme.example', headers: { authorization: 'Bearer ${apiKey}' } },
});
