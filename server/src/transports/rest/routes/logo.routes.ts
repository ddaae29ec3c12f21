/**
 * `logo_url` points here. The catalog ships no artwork, so a logo is drawn from the provider's display name: its
 * initials on a colour derived from the name. Stable, cacheable, and nothing fetched from elsewhere.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '@latchkey/providers';
import { Hono } from 'hono';
import type { RestEnv } from '../rest-env';

export function logoRoutes(catalog: Catalog) {
  return new Hono<RestEnv>({ strict: false }).get('/images/template-logos/:file', (c) => {
    const file = c.req.param('file');
    const name = file.endsWith('.svg') ? file.slice(0, -4) : file;
    if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) return c.notFound();
    const label = catalog.get(name)?.display_name ?? name;
    c.header('Content-Type', 'image/svg+xml');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(drawLogo(name, label));
  });
}

export function drawLogo(name: string, label: string): string {
  const hue = createHash('sha256').update(name).digest()[0]! * (360 / 256);
  const initials =
    label
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((word) => word[0]!.toUpperCase())
      .join('') || '?';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64" role="img" aria-label="${escapeXml(label)}"><rect width="64" height="64" rx="14" fill="hsl(${Math.round(hue)} 55% 42%)"/><text x="32" y="41" font-family="system-ui,sans-serif" font-size="24" font-weight="600" fill="#fff" text-anchor="middle">${escapeXml(initials)}</text></svg>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
