/**
 * What SigV4 adds to a request signed with an AWS key: `x-amz-date`, the session token, the body's hash and the
 * `Authorization` over every header the request carries (signed as sent, so nothing can change after signing).
 */
import {
  amzDate,
  payloadHash,
  type SigV4Request,
  sigV4Authorization,
} from '../../provider-requests/sigv4-signature';

export interface AwsKey {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials carry one; it is sent as `x-amz-security-token` and signed. */
  sessionToken?: string;
}

export interface TemporaryCredentials extends AwsKey {
  sessionToken: string;
  expiresAt: Date;
}

/**
 * The headers to add to the request (lower-case names). A date, token or body hash the request already carries is
 * kept and signed as it is (S3's `x-amz-content-sha256: UNSIGNED-PAYLOAD`); `authorization` is always ours.
 */
export function sigV4Headers(
  request: SigV4Request,
  key: AwsKey,
  scope: { region: string; service: string },
  instant: Date,
): Record<string, string> {
  const given = request.headers;
  const added: Record<string, string> = {
    'x-amz-date': given['x-amz-date'] ?? amzDate(instant),
    'x-amz-content-sha256': given['x-amz-content-sha256'] ?? payloadHash(request.body),
  };
  if (key.sessionToken !== undefined && key.sessionToken !== '')
    added['x-amz-security-token'] = key.sessionToken;
  const { authorization: _replaced, ...signed } = { ...given, ...added };
  added.authorization = sigV4Authorization({ ...request, headers: signed }, { ...key, ...scope }, instant);
  return added;
}
