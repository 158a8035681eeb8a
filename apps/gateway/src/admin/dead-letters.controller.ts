import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { AuditLog } from '@chat4all/audit';
import { listDeadLettersQuerySchema } from '@chat4all/contracts';
import { parseRequest } from '@chat4all/platform';
import type { deliveryV1 } from '@chat4all/proto';
import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { DeliveryClient } from '../delivery/delivery.client';

const view = (d: deliveryV1.DeadLetter) => {
  let value: unknown = d.valueJson;
  try {
    value = JSON.parse(d.valueJson);
  } catch {
    // not JSON: shown as the raw string it was on the topic
  }
  return {
    id: d.id,
    event_id: d.eventId || null,
    source: { topic: d.sourceTopic, partition: d.sourcePartition, offset: d.sourceOffset, key: d.recordKey || null },
    reason: d.reason,
    attempts: d.attempts,
    failed_at: d.failedAt,
    replayed_at: d.replayedAt || null,
    value,
  };
};

// DLQ inspection and replay for operators (FR-DP-07, admin scope), served by message-worker, which
// owns dead letters, over gRPC.
@Controller('v1/admin/dead-letters')
@UseGuards(BearerAuthGuard)
@RequireScopes('admin')
export class DeadLettersController {
  constructor(
    private readonly delivery: DeliveryClient,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async list(@Query() query: unknown) {
    const q = parseRequest(listDeadLettersQuerySchema, query, 'query');
    const page = await this.delivery.listDeadLetters({ limit: q.limit, beforeId: q.before_id ?? '', includeReplayed: q.include_replayed === 'true' });
    return { dead_letters: (page.deadLetters ?? []).map(view), next_before_id: page.nextBeforeId || null };
  }

  @Post(':id/replay')
  @HttpCode(202)
  async replay(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    const replayed = await this.delivery.replayDeadLetter(id, caller.userId);
    await this.audit.record({ type: 'dead_letter_replayed', outcome: 'success', userId: caller.userId, clientId: caller.clientId, details: { dead_letter_id: id } });
    return replayed ? view(replayed) : { id };
  }
}
