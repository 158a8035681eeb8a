import { defineProblemTypes } from '@chat4all/platform';

export const ConversationProblems = defineProblemTypes({
  // Also what a non-member gets for a conversation that exists: no existence leak.
  conversationNotFound: { slug: 'conversation-not-found', status: 404, title: 'Conversation not found' },
  // Members must be users that exist and are not disabled; the problem lists the others (unknown_member_ids).
  unknownMembers: { slug: 'unknown-members', status: 422, title: 'Unknown members' },
});
