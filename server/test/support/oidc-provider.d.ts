// oidc-provider ships no types and @types/oidc-provider is not installed: this covers only what the test support
// uses. Widen it when a test needs more, rather than reaching for `any`.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    grant_types?: string[];
    response_types?: string[];
    scope?: string;
  }

  export interface Client {
    readonly clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface Account {
    accountId: string;
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  export interface Session {
    accountId?: string;
    grantIdFor(clientId: string): string | undefined;
  }

  export class Grant {
    constructor(properties: { accountId: string; clientId: string });
    readonly jti: string;
    readonly accountId: string;
    readonly clientId: string;
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
    destroy(): Promise<void>;
    static find(id: string): Promise<Grant | undefined>;
  }

  /** Every token model (AccessToken, RefreshToken, AuthorizationCode, …) indexes its instances by grant. */
  export interface GrantBoundTokenModel {
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface OIDCContext {
    readonly provider: Provider;
    readonly client?: Client;
    readonly account?: Account;
    readonly session: Session;
    readonly result?: { consent?: { grantId?: string } };
    readonly requestParamOIDCScopes: Set<string>;
    readonly requestParamClaims: Set<string>;
  }

  export interface KoaContextWithOIDC {
    status: number;
    type: string;
    body: unknown;
    oidc: OIDCContext;
  }

  /** The parts of a refresh-token or code "source" that policy hooks look at. */
  export interface TokenSource {
    readonly scopes: Set<string>;
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    scopes?: string[];
    /** Which claims each scope releases (`openid: ['sub']`, `email: ['email', 'email_verified']`, …). */
    claims?: Record<string, string[] | null>;
    features?: Record<string, { enabled: boolean } & Record<string, unknown>>;
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>;
    issueRefreshToken?: (ctx: KoaContextWithOIDC, client: Client, source: TokenSource) => Promise<boolean>;
    rotateRefreshToken?: boolean | ((ctx: KoaContextWithOIDC) => boolean);
    expiresWithSession?: (ctx: KoaContextWithOIDC, source: TokenSource) => Promise<boolean>;
    loadExistingGrant?: (ctx: KoaContextWithOIDC) => Promise<Grant | undefined>;
    renderError?: (ctx: KoaContextWithOIDC, out: Record<string, unknown>, error: Error) => Promise<void>;
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: Client) => boolean };
    ttl?: Record<string, number>;
    cookies?: { keys?: string[] };
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly Grant: typeof Grant;
    readonly AccessToken: GrantBoundTokenModel;
    readonly RefreshToken: GrantBoundTokenModel;
    readonly AuthorizationCode: GrantBoundTokenModel;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: 'grant.saved', listener: (grant: Grant) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
