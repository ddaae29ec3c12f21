/**
 * AWS Signature Version 4 over a request exactly as it will be sent: the AWS_SIGV4 mode and the `${awsSigV4(...)}`
 * template both sign through here, with `aws4` computing the canonical request and the signature.
 */
import { createHash } from 'node:crypto';
import aws4 from 'aws4';

export interface SigV4Request {
  method: string;
  url: URL;
  /**
   * Every header to sign, lower-case names, as they will be sent. `host` and `x-amz-date` are added when absent;
   * `x-amz-content-sha256`, when present, stands for the body's hash (S3's `UNSIGNED-PAYLOAD`).
   */
  headers: Record<string, string>;
  body?: Buffer | string | undefined;
}

export interface SigV4Key {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

/** `20260115T093000Z`: the `x-amz-date` form of an instant (basic ISO 8601, UTC). */
export function amzDate(instant: Date): string {
  return instant.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/** The hex SHA-256 of a body, as `x-amz-content-sha256` carries it. */
export function payloadHash(body: Buffer | string | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('hex');
}

/**
 * The `Authorization` value for the request, signed at `instant` (which the request's `x-amz-date` must name: it is
 * set from it when absent). Only the headers given are signed, so nothing is added that the request would not carry.
 */
export function sigV4Authorization(request: SigV4Request, key: SigV4Key, instant: Date): string {
  const headers: Record<string, string> = { host: request.url.host, ...request.headers };
  headers['x-amz-date'] ??= amzDate(instant);
  const signer = new aws4.RequestSigner(
    {
      method: request.method.toUpperCase(),
      host: request.url.host,
      path: `${request.url.pathname}${request.url.search}`,
      headers,
      body: request.body ?? '',
      service: key.service,
      region: key.region,
      // Signs the headers as given: aws4 would otherwise add a Content-Type the request does not carry.
      doNotModifyHeaders: true,
    },
    { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  );
  // With doNotModifyHeaders aws4 takes the clock, not the header: the date signed must be the one sent.
  signer.datetime = headers['x-amz-date'];
  return signer.authHeader();
}
