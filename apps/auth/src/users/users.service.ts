import { CONVERSATION_MAX_MEMBERS, isUuid } from '@chat4all/contracts';
import { Injectable } from '@nestjs/common';
import { UsersRepository } from './users.repository';

/** How many user ids one lookup takes: a conversation's members, so one call answers for a new conversation. */
export const ACTIVE_USERS_MAX_IDS = CONVERSATION_MAX_MEMBERS;


/** More ids than one lookup takes. */
export class TooManyUserIdsError extends Error {}

// Users as other apps see them: whether an id names someone who may take part (exists, not disabled).
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** The ids among `ids` that name active users, lower-case, each once. */
  async activeAmong(ids: readonly string[]): Promise<string[]> {
    if (ids.length > ACTIVE_USERS_MAX_IDS) throw new TooManyUserIdsError(`at most ${ACTIVE_USERS_MAX_IDS} user ids per call, got ${ids.length}`);
    // Anything but a UUID names no user (and would make PostgreSQL's uuid cast fail the whole query).
    const candidates = [...new Set(ids.map((id) => id.toLowerCase()).filter(isUuid))];
    return candidates.length > 0 ? this.users.activeIds(candidates) : [];
  }
}
