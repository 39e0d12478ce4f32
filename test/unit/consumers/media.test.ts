// The media resolver against a local fake of CometChat's file service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaResolver, MediaAccessError, MEDIA_URL } from '../../../consumers/media.ts';
import { startFakeFiles, type FakeFiles } from '../../support/fake-cometchat-files.ts';

const mediaUrl = 'https://files-us.cometchat.io/app-1/media/photo.png';

describe('media resolver', () => {
  let fake: FakeFiles;
  beforeAll(async () => {
    fake = await startFakeFiles({ appId: 'app-1', apiKey: 'key-1' });
  });
  afterAll(() => fake.close());

  it('a media URL → the URL with a file access token, asked with ?redirect=0 and the app’s headers', async () => {
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'key-1', baseUrl: fake.baseUrl });
    expect(await resolver.resolve(mediaUrl)).toMatch(/^https:\/\/files-us\.cometchat\.io\/app-1\/media\/photo\.png\?fat=token-\d+$/);
  });

  it('the same URL again within the TTL → served from cache, no second request', async () => {
    let now = 0;
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'key-1', baseUrl: fake.baseUrl, now: () => now });
    const before = fake.hits.length;
    const first = await resolver.resolve(mediaUrl);
    now = 60_000;
    expect(await resolver.resolve(mediaUrl)).toBe(first);
    expect(fake.hits.length - before).toBe(1);
  });

  it('an expired link → fetched again, with a new token', async () => {
    let now = 0;
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'key-1', baseUrl: fake.baseUrl, now: () => now });
    const first = await resolver.resolve(mediaUrl);
    now = 4 * 60_000 + 1;
    const second = await resolver.resolve(mediaUrl);
    expect(second).not.toBe(first);
  });

  it('the default TTL is under the token’s five minutes', async () => {
    let now = 0;
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'key-1', baseUrl: fake.baseUrl, now: () => now });
    const first = await resolver.resolve(mediaUrl);
    now = 5 * 60_000 - 1;
    expect(await resolver.resolve(mediaUrl)).not.toBe(first);
  });

  it('a 401 (wrong API key) → MediaAccessError saying which settings to check', async () => {
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'wrong', baseUrl: fake.baseUrl });
    const err = await resolver.resolve(mediaUrl).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaAccessError);
    expect((err as MediaAccessError).status).toBe(401);
    expect((err as Error).message).toMatch(/refused the media request \(401\): check COMETCHAT_APP_ID and COMETCHAT_API_KEY/);
  });

  it('the file service unreachable → MediaAccessError, not a crash', async () => {
    const resolver = createMediaResolver({ appId: 'app-1', apiKey: 'key-1', baseUrl: 'http://127.0.0.1:1' });
    await expect(resolver.resolve(mediaUrl)).rejects.toThrow(/could not reach CometChat's file service/);
  });

  it('MEDIA_URL finds CometChat media links in text and nothing else', () => {
    const text = JSON.stringify({ a: mediaUrl, b: 'https://example.com/x.png', c: 'https://files-eu.cometchat.io/app/media/v.mp4' });
    expect(text.match(MEDIA_URL)).toEqual([mediaUrl, 'https://files-eu.cometchat.io/app/media/v.mp4']);
  });
});
