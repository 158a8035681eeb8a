/** An error answer of the API: its RFC 9457 problem (or OAuth error), status and request id. */
export class Chat4AllError extends Error {
  /** The problem's stable `type` (https://chat4all.dev/problems/<slug>), or `oauth:<error>` from the token endpoint. */
  readonly type: string;
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly requestId?: string;
  /** The whole body the API answered (problem+json extensions included). */
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>, requestId?: string) {
    const oauth = typeof body.error === 'string' ? body.error : undefined;
    const type = typeof body.type === 'string' ? body.type : oauth ? `oauth:${oauth}` : 'about:blank';
    const title = typeof body.title === 'string' ? body.title : (oauth ?? `HTTP ${status}`);
    const detail = typeof body.detail === 'string' ? body.detail : typeof body.error_description === 'string' ? body.error_description : undefined;
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'Chat4AllError';
    this.type = type;
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.requestId = requestId;
    this.body = body;
  }

  /** The problem's slug (`conversation-not-found`), for a switch. */
  get slug(): string {
    return this.type.split('/').at(-1) ?? this.type;
  }

  static async from(response: Response): Promise<Chat4AllError> {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // not JSON: the status says it all
    }
    return new Chat4AllError(response.status, body, response.headers.get('x-request-id') ?? undefined);
  }
}
