import { ProblemException } from '@chat4all/platform';
import { ConversationProblems } from '@chat4all/contracts';


// Non-members get exactly the answer for a conversation that does not exist: no existence leak.
export const conversationNotFound = (id: string) =>
  new ProblemException(ConversationProblems.conversationNotFound, `No conversation ${id} for this user.`);
