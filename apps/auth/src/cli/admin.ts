import { loadConfigOrExit } from '@chat4all/config';
import { createDataSource } from '@chat4all/database';
import { Logger } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { ClientsRepository } from '../clients/clients.repository';
import { AdminError, ClientsAdmin } from '../clients/clients.service';
import { loadAuthConfig } from '../config';
import { authDataSourceSpec } from '../database/data-source-spec';
import { SigningKeysRepository } from '../signing-keys/signing-keys.repository';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { UsersRepository } from '../users/users.repository';

const USAGE = `usage: admin <command>
  create-user <name>
  create-client <user-name> [--scopes read,write,admin]   prints the new secret once
  list-users | list-clients
  disable-user <name> | disable-client <client-id>
  rotate-signing-key                                      old key keeps verifying until its tokens expire`;

/** Where the CLI writes, without the password: `chat4all@127.0.0.1:54329/chat4all`. */
function describeDatabase(url: string): string {
  const u = new URL(url);
  return `${decodeURIComponent(u.username)}@${u.host}${u.pathname}`;
}

// Prints one JSON document on stdout (so scripts can parse it); errors go to stderr with exit 1.
async function main(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { scopes: { type: 'string', default: 'read,write' } } });
  const [command, arg] = positionals;
  const config = loadConfigOrExit('auth-admin', () => loadAuthConfig());
  process.stderr.write(`admin: database ${describeDatabase(config.database.url)}\n`);
  const dataSource = await createDataSource(config.database, authDataSourceSpec).initialize();
  const admin = new ClientsAdmin(new UsersRepository(dataSource), new ClientsRepository(dataSource));
  const need = (what: string) => {
    if (!arg) throw new AdminError(`${command} needs ${what}\n${USAGE}`);
    return arg;
  };
  try {
    switch (command) {
      case 'create-user': {
        const user = await admin.createUser(need('a user name'));
        return { user_id: user.id, name: user.name };
      }
      case 'create-client':
        return await admin.createClient(need('a user name'), (values.scopes ?? '').split(',').filter(Boolean));
      case 'list-users':
        return await admin.listUsers();
      case 'list-clients':
        return await admin.listClients();
      case 'disable-user':
        await admin.disableUser(need('a user name'));
        return { disabled: arg };
      case 'disable-client':
        await admin.disableClient(need('a client id'));
        return { disabled: arg };
      case 'rotate-signing-key': {
        const key = await new SigningKeysService(dataSource, new SigningKeysRepository(dataSource)).rotate();
        return { kid: key.kid, alg: key.alg, created_at: key.createdAt };
      }
      default:
        throw new AdminError(USAGE);
    }
  } finally {
    await dataSource.destroy();
  }
}

// stdout carries only the JSON result: service log lines (e.g. "created signing key") stay quiet.
Logger.overrideLogger(['error']);

main(process.argv.slice(2)).then(
  (result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`),
  (error: unknown) => {
    process.stderr.write(`admin: ${error instanceof AdminError ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
