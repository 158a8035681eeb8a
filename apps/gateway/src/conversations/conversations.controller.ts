import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { createConversationSchema, listConversationsQuerySchema, markReadSchema } from '@chat4all/contracts';
import { parseRequest } from '@chat4all/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ConversationsService } from './conversations.service';
import { ReadHorizonService } from './read-horizon.service';

// The timeline (GET /v1/conversations/{id}/messages) is served by messages/.
@Controller('v1/conversations')
@UseGuards(BearerAuthGuard)
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly readHorizons: ReadHorizonService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('write')
  create(@CurrentPrincipal() caller: Principal, @Body() body: unknown) {
    return this.conversations.create(caller.userId, parseRequest(createConversationSchema, body));
  }

  @Get()
  @RequireScopes('read')
  list(@CurrentPrincipal() caller: Principal, @Query() query: unknown) {
    return this.conversations.list(caller.userId, parseRequest(listConversationsQuerySchema, query, 'query'));
  }

  @Post(':id/read')
  @HttpCode(200)
  @RequireScopes('write')
  markRead(@CurrentPrincipal() caller: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.readHorizons.markRead(caller.userId, id, parseRequest(markReadSchema, body).up_to_seq);
  }

  @Get(':id')
  @RequireScopes('read')
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.conversations.get(caller.userId, id);
  }
}
