import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { InvalidTokenError, TokenVerifier } from './token-verifier';

describe('TokenVerifier, verified-token cache', () => {
  let privateKey: CryptoKey;
  let jwk: JWK;
  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  });
  afterEach(() => jest.useRealTimers());

  const sign = (ttlSeconds: number) =>
    new SignJWT({ client_id: 'c1', tenant_id: 't', scope: 'read write', user_id: 'u1' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setIssuer('iss')
      .setAudience('aud')
      .setSubject('u1')
      .setJti('j1')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(privateKey);

  it('checks expiry and revocation on every use of a remembered token, and forgets tokens beyond its size', async () => {
    let revoked = false;
    const verifier = new TokenVerifier({
      issuer: 'iss',
      audience: 'aud',
      clockToleranceSeconds: 0,
      jwks: { fetch: () => Promise.resolve({ keys: [jwk] }) },
      revocations: { ready: () => Promise.resolve(), isRevoked: () => revoked },
      verifiedCacheSize: 1,
    });
    const token = await sign(60);
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u1', clientId: 'c1', scopes: ['read', 'write'] });
    revoked = true;
    await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('token revoked'));
    revoked = false;
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u1' });
    // A second token pushes the first out (size 1); both still verify, from their signature.
    const other = await sign(60);
    await expect(verifier.verify(other)).resolves.toMatchObject({ userId: 'u1' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ userId: 'u1' });
    // Past its expiry a remembered token is refused like any other.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: Date.now() + 61_000 });
    await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('token expired'));
  });

  it('a tampered token is refused even when the genuine one is remembered', async () => {
    const verifier = new TokenVerifier({ issuer: 'iss', audience: 'aud', clockToleranceSeconds: 0, jwks: { fetch: () => Promise.resolve({ keys: [jwk] }) }, verifiedCacheSize: 10 });
    const token = await sign(60);
    await verifier.verify(token);
    const [h, p, s] = token.split('.');
    const tampered = [h, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), user_id: 'admin' })).toString('base64url'), s].join('.');
    await expect(verifier.verify(tampered)).rejects.toThrow(InvalidTokenError);
  });
});
