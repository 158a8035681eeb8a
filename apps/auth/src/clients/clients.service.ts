import { storableText } from '@chat4all/contracts';
import { randomBytes } from 'node:crypto';
import { SCOPES } from '../tokens/scopes';
import type { User } from '../users/user.entity';
import type { UsersRepository } from '../users/users.repository';
import { generateClientSecret, hashClientSecret } from './client-secret';
import type { ClientsRepository } from './clients.repository';

export class AdminError extends Error {}

export interface CreatedClient {
  client_id: string;
  client_secret: string;
  user_id: string;
  user: string;
  scopes: string[];
}

// Names and client ids the CLI looks up are checked like any client text: a clear error, not a SQL one.
const lookupKey = storableText({ max: 200 });

function checked(what: string, value: string): string {
  const issue = lookupKey.safeParse(value).error?.issues[0];
  if (issue) throw new AdminError(`${what}: ${issue.message}`);
  return value;
}

// Administration of users and API clients (used by the admin CLI).
export class ClientsAdmin {
  constructor(
    private readonly users: UsersRepository,
    private readonly clients: ClientsRepository,
  ) {}

  async createUser(name: string): Promise<User> {
    if (!/^[\w.@-]{1,100}$/.test(name)) throw new AdminError('user name: 1-100 characters of letters, digits, . _ @ -');
    if (await this.users.findByName(name)) throw new AdminError(`user ${name} already exists`);
    return this.users.add(name);
  }

  async createClient(userName: string, scopes: string[]): Promise<CreatedClient> {
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length || scopes.length === 0) throw new AdminError(`scopes must be a non-empty subset of: ${SCOPES.join(', ')}`);
    const user = await this.users.findByName(checked('user name', userName));
    if (!user) throw new AdminError(`no user ${userName}: create it first`);
    const secret = generateClientSecret();
    const client = await this.clients.add({
      clientId: `c4a_${randomBytes(12).toString('hex')}`,
      userId: user.id,
      secretHash: await hashClientSecret(secret),
      scopes,
    });
    return { client_id: client.clientId, client_secret: secret, user_id: user.id, user: user.name, scopes };
  }

  async listUsers(): Promise<{ user_id: string; name: string; disabled: boolean }[]> {
    const users = await this.users.list();
    return users.map((u) => ({ user_id: u.id, name: u.name, disabled: u.disabledAt !== null }));
  }

  async listClients(): Promise<{ client_id: string; user: string; scopes: string[]; disabled: boolean }[]> {
    const clients = await this.clients.listWithUsers();
    return clients.map((c) => ({ client_id: c.clientId, user: c.user?.name ?? c.userId, scopes: c.scopes, disabled: c.disabledAt !== null }));
  }

  async disableUser(name: string): Promise<void> {
    if (!(await this.users.disable(checked('user name', name)))) throw new AdminError(`no user ${name}`);
  }

  async disableClient(clientId: string): Promise<void> {
    if (!(await this.clients.disable(checked('client id', clientId)))) throw new AdminError(`no client ${clientId}`);
  }
}
