import type { DataSourceSpec } from '@chat4all/database';
import { CreateSigningKeys1764040000000 } from './migrations/1764040000000-create-signing-keys';
import { SigningKey } from '../signing-keys/signing-key.entity';

export const AUTH_SCHEMA = 'auth';

export const authDataSourceSpec: DataSourceSpec = {
  schema: AUTH_SCHEMA,
  applicationName: 'auth',
  entities: [SigningKey],
  migrations: [CreateSigningKeys1764040000000],
};
