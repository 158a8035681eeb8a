// Limits that two apps must agree on, declared once for both sides of the contract.

/**
 * Members of one conversation, its creator included (ARCHITECTURE §3a). The gateway refuses larger
 * groups; auth's GetActiveUsers answers for at most this many user ids per call.
 */
export const CONVERSATION_MAX_MEMBERS = 100;

/** Characters of one OAuth token-endpoint parameter (client_id, client_secret, scope, tokens): the gateway and auth both check it. */
export const OAUTH_PARAMETER_MAX_CHARS = 4096;
