import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SCOPES } from '../tokens/scopes';
import { User } from '../users/user.entity';
import { ApiClient } from './api-client.entity';
import { generateClientSecret, hashClientSecret } from './client-secret';

export class AdminError extends Error {}

export interface CreatedClient {
  client_id: string;
  client_secret: string;
  user_id: string;
  user: string;
  scopes: string[];
}

// Administration of users and API clients (used by the admin CLI).
export class ClientsAdmin {
  constructor(private readonly dataSource: DataSource) {}

  async createUser(name: string): Promise<User> {
    if (!/^[\w.@-]{1,100}$/.test(name)) throw new AdminError('user name: 1-100 characters of letters, digits, . _ @ -');
    const repo = this.dataSource.getRepository(User);
    if (await repo.findOne({ where: { name } })) throw new AdminError(`user ${name} already exists`);
    return repo.save(repo.create({ name, disabledAt: null }));
  }

  async createClient(userName: string, scopes: string[]): Promise<CreatedClient> {
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length || scopes.length === 0) throw new AdminError(`scopes must be a non-empty subset of: ${SCOPES.join(', ')}`);
    const user = await this.dataSource.getRepository(User).findOne({ where: { name: userName } });
    if (!user) throw new AdminError(`no user ${userName}: create it first`);
    const secret = generateClientSecret();
    const client = await this.dataSource.getRepository(ApiClient).save({
      clientId: `c4a_${randomBytes(12).toString('hex')}`,
      userId: user.id,
      secretHash: await hashClientSecret(secret),
      scopes,
      disabledAt: null,
    });
    return { client_id: client.clientId, client_secret: secret, user_id: user.id, user: user.name, scopes };
  }

  async listUsers(): Promise<{ user_id: string; name: string; disabled: boolean }[]> {
    const users = await this.dataSource.getRepository(User).find({ order: { createdAt: 'ASC' } });
    return users.map((u) => ({ user_id: u.id, name: u.name, disabled: u.disabledAt !== null }));
  }

  async listClients(): Promise<{ client_id: string; user: string; scopes: string[]; disabled: boolean }[]> {
    const clients = await this.dataSource.getRepository(ApiClient).find({ relations: { user: true }, order: { createdAt: 'ASC' } });
    return clients.map((c) => ({ client_id: c.clientId, user: c.user?.name ?? c.userId, scopes: c.scopes, disabled: c.disabledAt !== null }));
  }

  async disableUser(name: string): Promise<void> {
    const result = await this.dataSource.getRepository(User).update({ name }, { disabledAt: new Date() });
    if (!result.affected) throw new AdminError(`no user ${name}`);
  }

  async disableClient(clientId: string): Promise<void> {
    const result = await this.dataSource.getRepository(ApiClient).update({ clientId }, { disabledAt: new Date() });
    if (!result.affected) throw new AdminError(`no client ${clientId}`);
  }
}
