import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiClient } from './api-client.entity';

export interface NewApiClient {
  clientId: string;
  userId: string;
  secretHash: string;
  scopes: string[];
}

// Every data access to auth.api_clients. Methods that take `m` run inside the caller's transaction
// when given one.
@Injectable()
export class ClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The client with its user, whose disabled_at counts too; null if there is no such client. */
  async findWithUser(clientId: string, m: EntityManager = this.dataSource.manager): Promise<ApiClient | null> {
    return m.findOne(ApiClient, { where: { clientId }, relations: { user: true } });
  }

  async add(client: NewApiClient): Promise<ApiClient> {
    return this.dataSource.getRepository(ApiClient).save({ ...client, disabledAt: null });
  }

  /** Every client with its user, oldest first. */
  async listWithUsers(): Promise<ApiClient[]> {
    return this.dataSource.getRepository(ApiClient).find({ relations: { user: true }, order: { createdAt: 'ASC' } });
  }

  /** Marks the client disabled now; false if there is no such client. */
  async disable(clientId: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(ApiClient).update({ clientId }, { disabledAt: new Date() });
    return Boolean(result.affected);
  }
}
