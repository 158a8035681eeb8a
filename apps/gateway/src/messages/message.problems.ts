import { defineProblemTypes } from '@chat4all/platform';

export const MessageProblems = defineProblemTypes({
  messageNotFound: { slug: 'message-not-found', status: 404, title: 'Message not found' },
  messageIdConflict: { slug: 'message-id-conflict', status: 409, title: 'Message id already used' },
});
