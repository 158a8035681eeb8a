import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { timelineQuerySchema } from '@chat4all/contracts';
import { parseRequest } from '@chat4all/platform';
import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { MessagesService } from './messages.service';

// A conversation's timeline: under /v1/conversations, but about messages, so it lives here (messages/
// depends on conversations/, never the other way round).
@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class ConversationMessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get(':id/messages')
  @RequireScopes('read')
  timeline(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Query() query: unknown) {
    return this.messages.timeline(caller.userId, id, parseRequest(timelineQuerySchema, query, 'query'));
  }
}
