import { Module } from '@nestjs/common';
import { ConversationsController } from '../conversations/conversations.controller';
import { ConversationsService } from '../conversations/conversations.service';
import { InboundIngestService } from './inbound-ingest.service';
import { MessageWriteRepository } from './message-write.repository';
import { MessagesController } from './messages.controller';
import { MessagesService } from './messages.service';
import { MessagingGrpcController } from './messaging.grpc-controller';

@Module({
  controllers: [ConversationsController, MessagesController, MessagingGrpcController],
  providers: [ConversationsService, MessagesService, MessageWriteRepository, InboundIngestService],
})
export class MessagingModule {}
