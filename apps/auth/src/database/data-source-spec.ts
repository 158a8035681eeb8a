import type { DataSourceSpec } from '@chat4all/database';
import { AuditEvent } from '@chat4all/audit';
import { ApiClient } from '../clients/api-client.entity';
import { SigningKey } from '../signing-keys/signing-key.entity';
import { RefreshToken } from '../tokens/refresh-token.entity';
import { User } from '../users/user.entity';
import { CreateSigningKeys1764040000000 } from './migrations/1764040000000-create-signing-keys';
import { CreateClientsAndTokens1764040300000 } from './migrations/1764040300000-create-clients-and-tokens';
import { IndexRevokedRefreshTokens1764041300000 } from './migrations/1764041300000-index-revoked-refresh-tokens';
import { NotifyRevocations1765000000000 } from './migrations/1765000000000-notify-revocations';

export const AUTH_SCHEMA = 'auth';

export const authDataSourceSpec: DataSourceSpec = {
  schema: AUTH_SCHEMA,
  applicationName: 'auth',
  entities: [SigningKey, User, ApiClient, RefreshToken, AuditEvent],
  migrations: [CreateSigningKeys1764040000000, CreateClientsAndTokens1764040300000, IndexRevokedRefreshTokens1764041300000, NotifyRevocations1765000000000],
};
