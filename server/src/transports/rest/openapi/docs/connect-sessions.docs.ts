/** Connect sessions (compat doc 2.5): created with the secret key, then read and ended with their own token. */
import {
  authEventPageSchema,
  authEventSchema,
  connectSessionCreatedSchema,
  connectSessionDescriptionSchema,
  createConnectSessionInputSchema,
  createReconnectSessionInputSchema,
  emptyQuerySchema,
  sessionEventsQuerySchema,
} from '@latchkey/schema';
import { z } from 'zod';
import { jsonResponse, type RouteDocs } from '../route-doc';

export const connectSessionDocs: RouteDocs = {
  'POST /connect/sessions': {
    summary: 'Create a connect session',
    description:
      'A short-lived token for the frontend SDK or the Connect UI to create connections for one end user. With ' +
      '`end_user.binding: "browser"` the session belongs to the first browser that uses its token (Latchkey sets ' +
      'the HttpOnly cookie `latchkey_csb`); any other browser is refused with 403 `session_bound_to_other_browser`.',
    tag: 'Connect sessions',
    security: 'secretKey',
    query: emptyQuerySchema,
    body: createConnectSessionInputSchema,
    responses: { 201: jsonResponse(connectSessionCreatedSchema, 'Created') },
    errors: [403],
  },
  'POST /connect/sessions/reconnect': {
    summary: 'Create a reconnect session',
    description: 'A session whose flows replace the credentials of one existing connection.',
    tag: 'Connect sessions',
    security: 'secretKey',
    query: emptyQuerySchema,
    body: createReconnectSessionInputSchema,
    responses: { 201: jsonResponse(connectSessionCreatedSchema, 'Created') },
    errors: [403, 404],
  },
  'GET /connect/session': {
    summary: 'Describe the current connect session',
    description:
      'What the Connect UI renders: the end user and the integrations the session allows. The first call from a ' +
      'browser binds a browser-bound session to it (`Set-Cookie: latchkey_csb`).',
    tag: 'Connect sessions',
    security: 'sessionToken',
    responses: { 200: jsonResponse(z.object({ data: connectSessionDescriptionSchema })) },
    errors: [403, 429],
  },
  'DELETE /connect/session': {
    summary: 'End the current connect session',
    tag: 'Connect sessions',
    security: 'sessionToken',
    responses: { 204: { description: 'Ended' } },
    errors: [403, 429],
  },
  'GET /connect/session/events': {
    summary: 'Auth events of the current connect session',
    description:
      'A JSON page after `after`, or with `Accept: text/event-stream` a Server-Sent Events stream of `auth` events ' +
      '(resuming from `Last-Event-ID`; a stream without a cursor starts with events written after it opened).',
    tag: 'Connect sessions',
    security: 'sessionToken',
    query: sessionEventsQuerySchema,
    responses: {
      200: {
        description: 'A page of events, or the event stream',
        content: { 'application/json': authEventPageSchema, 'text/event-stream': authEventSchema },
      },
    },
    errors: [403, 429],
  },
};
