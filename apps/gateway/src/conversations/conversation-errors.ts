import { ProblemException } from '@chat4all/platform';
import { ConversationProblems } from './conversation.problems';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs name nothing: answered as not found, without asking PostgreSQL. */
export const isUuid = (id: string): boolean => UUID.test(id);

// Non-members get exactly the answer for a conversation that does not exist: no existence leak.
export const conversationNotFound = (id: string) =>
  new ProblemException(ConversationProblems.conversationNotFound, `No conversation ${id} for this user.`);
