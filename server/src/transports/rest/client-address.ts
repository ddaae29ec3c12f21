/**
 * The client's address for sign-in rate limits and the audit log: the TCP peer of the socket. X-Forwarded-For is not
 * trusted: any client can send it, and trusting it would let one attacker look like many addresses.
 */
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

export function clientAddress(c: Context): string | null {
  const node = c.env as Partial<HttpBindings> | undefined;
  return node?.incoming?.socket?.remoteAddress ?? null;
}
