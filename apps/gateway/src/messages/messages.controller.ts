import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { sendMessageSchema } from '@chat4all/contracts';
import { parseRequest } from '@chat4all/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MessagesService } from './messages.service';

@Controller('v1/messages')
@UseGuards(BearerAuthGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  // 202: durable and queued for delivery. The same message_id again gets the same answer, marked
  // Idempotent-Replayed; the same id with another body gets 409.
  @Post()
  @HttpCode(202)
  @RequireScopes('write')
  async send(@CurrentPrincipal() caller: Principal, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.messages.send(caller.userId, parseRequest(sendMessageSchema, body));
    if (result.replayed) void reply.header('idempotent-replayed', 'true');
    return result.body;
  }

  @Get(':id')
  @RequireScopes('read')
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.messages.get(caller.userId, id);
  }
}
