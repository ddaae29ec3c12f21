/**
 * Fields that only some auth modes read: TWO_STEP's token response paths and extra steps, the JWT and SIGNATURE
 * token recipes, SAML/JWT assertions, MCP client registration. Where Nango's schema leaves an object open
 * (`token`, `signature`, `assertion`, `auth`, `additional_steps[]`), the known keys are typed and others are kept.
 */
import { z } from 'zod';
import { httpMethodSchema, textMapSchema, tokenParamMapSchema } from './provider-fields.schema';

/** TWO_STEP: where the token response carries the token, its expiry and the refresh token (dotted paths). */
export const tokenResponseSchema = z
  .object({
    /** Path of the token; Nango has entries with an empty path (the whole body is the token). */
    token: z.string().optional(),
    token_expiration: z.string().optional(),
    /** `expireIn`: a duration in seconds; `expireAt`: a date. */
    token_expiration_strategy: z.enum(['expireIn', 'expireAt']).optional(),
    refresh_token: z.string().optional(),
  })
  .strict();
export type TokenResponsePaths = z.infer<typeof tokenResponseSchema>;

/** JWT, SIGNATURE (and TWO_STEP with a signed assertion): what to sign, for how long, with which header and claims. */
export const tokenRecipeSchema = z.looseObject({
  /** A template naming the key, e.g. `${credentials.privateKey}`. */
  signing_key: z.string().optional(),
  expires_in_ms: z.number().optional(),
  header: z
    .looseObject({ alg: z.string().optional(), typ: z.string().optional(), kid: z.string().optional() })
    .optional(),
  payload: z
    .looseObject({
      aud: z.string().optional(),
      iss: z.string().optional(),
      sub: z.string().optional(),
      jti: z.string().optional(),
      scope: z.union([z.string(), z.array(z.string())]).optional(),
    })
    .optional(),
});
export type TokenRecipe = z.infer<typeof tokenRecipeSchema>;

export const signatureSchema = z.looseObject({
  protocol: z.enum(['WSSE', 'RSA', 'HMAC', 'EC']),
  /** HMAC only: how the secret is turned into key bytes (default hex). */
  hmac_secret_encoding: z.enum(['hex', 'utf8']).optional(),
});
export type SignatureSettings = z.infer<typeof signatureSchema>;

const assertionAttributeValue = z.union([z.string(), z.number(), z.boolean()]);

/** TWO_STEP: a SAML or JWT assertion built before the token request (`${assertionOption.x}` names its inputs). */
export const assertionSchema = z.looseObject({
  type: z.enum(['saml', 'jwt']).optional(),
  key: z.string().optional(),
  issuer: z.string().optional(),
  /** Nango has one entry with the number as a string. */
  lifetimeInSeconds: z.union([z.number(), z.string()]).optional(),
  audiences: z.union([z.string(), z.array(z.string())]).optional(),
  attributes: z
    .record(z.string(), z.union([assertionAttributeValue, z.array(assertionAttributeValue)]))
    .optional(),
  sessionIndex: z.string().optional(),
  recipient: z.string().optional(),
  nameIdentifier: z.string().optional(),
  header: z.record(z.string(), z.string()).optional(),
  payload: z.record(z.string(), z.string()).optional(),
});
export type AssertionSettings = z.infer<typeof assertionSchema>;

/** TWO_STEP: a further token request; `${stepN.path}` reads the answer of step N (step1 is the main request). */
export const additionalStepSchema = z.looseObject({
  token_url: z.string().min(1),
  body_format: z.enum(['json', 'form', 'xml']).optional(),
  token_params: tokenParamMapSchema.optional(),
  token_headers: textMapSchema.optional(),
  token_request_method: httpMethodSchema.optional(),
});
export type AdditionalStep = z.infer<typeof additionalStepSchema>;

export const clientRegistrationSchema = z.enum(['dynamic', 'static', 'cimd']);
export type ClientRegistration = z.infer<typeof clientRegistrationSchema>;

/** MCP_OAUTH2 dynamic client registration (RFC 7591) metadata sent as is. */
export const registrationParamsSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
