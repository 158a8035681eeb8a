import { Injectable } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { User } from './user.entity';

// Every data access to auth.users.
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findByName(name: string): Promise<User | null> {
    return this.dataSource.getRepository(User).findOne({ where: { name } });
  }

  async add(name: string): Promise<User> {
    const repo = this.dataSource.getRepository(User);
    return repo.save(repo.create({ name, disabledAt: null }));
  }

  /** Which of `ids` (UUIDs) name users that exist and are not disabled. */
  async activeIds(ids: readonly string[]): Promise<string[]> {
    const rows = await this.dataSource.getRepository(User).find({ select: { id: true }, where: { id: In([...ids]), disabledAt: IsNull() } });
    return rows.map((u) => u.id);
  }

  /** Every user, oldest first. */
  async list(): Promise<User[]> {
    return this.dataSource.getRepository(User).find({ order: { createdAt: 'ASC' } });
  }

  /** Marks the user disabled now; false if there is no such user. */
  async disable(name: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(User).update({ name }, { disabledAt: new Date() });
    return Boolean(result.affected);
  }
}
