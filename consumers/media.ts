// Token-based media access: a CometChat media URL answers 401 to a plain GET; asking for it
// with ?redirect=0 and the app's appId and apiKey headers returns a URL with a file access token
// that is valid for 5 minutes. Resolved URLs are cached for less than that.
export class MediaAccessError extends Error {
  override readonly name = 'MediaAccessError';
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

export interface MediaResolver {
  resolve(mediaUrl: string): Promise<string>;
}

/** CometChat media URLs: https://files-<region>.cometchat.io/<appId>/media/<file>. */
export const MEDIA_URL = /https:\/\/files-[a-z0-9-]+\.cometchat\.io\/[^\s"'<>]+\/media\/[^\s"'<>]+/g;

export function createMediaResolver({
  appId,
  apiKey,
  baseUrl,
  ttlMs = 4 * 60_000, // under the token's 5 minutes
  now = Date.now,
}: {
  appId: string;
  apiKey: string;
  /** Replaces the media URL's origin (https://files-<region>.cometchat.io), e.g. for a local fake. */
  baseUrl?: string | undefined;
  ttlMs?: number;
  now?: () => number;
}): MediaResolver {
  const cache = new Map<string, { url: string; expiresAt: number }>();
  return {
    async resolve(mediaUrl) {
      const hit = cache.get(mediaUrl);
      if (hit && hit.expiresAt > now()) return hit.url;
      const target = new URL(mediaUrl);
      const requestUrl = new URL(baseUrl ? `${baseUrl.replace(/\/$/, '')}${target.pathname}` : mediaUrl);
      requestUrl.searchParams.set('redirect', '0');
      let res: Response;
      try {
        res = await fetch(requestUrl, { headers: { appId, apiKey }, signal: AbortSignal.timeout(5000) });
      } catch (err) {
        throw new MediaAccessError(`could not reach CometChat's file service for ${target.pathname}: ${(err as Error).message}`, undefined, { cause: err });
      }
      if (res.status === 401 || res.status === 403) {
        throw new MediaAccessError(
          `CometChat refused the media request (${res.status}): check COMETCHAT_APP_ID and COMETCHAT_API_KEY (a REST API key with access to ${target.pathname.split('/')[1]})`,
          res.status,
        );
      }
      if (!res.ok) throw new MediaAccessError(`CometChat's file service answered ${res.status} for ${target.pathname}`, res.status);
      const body = (await res.json()) as { data?: { url?: unknown } };
      if (typeof body.data?.url !== 'string')
        throw new MediaAccessError(`CometChat's file service answered without data.url for ${target.pathname}`, res.status);
      cache.set(mediaUrl, { url: body.data.url, expiresAt: now() + ttlMs });
      return body.data.url;
    },
  };
}
