import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ConversationMessagesController } from './conversation-messages.controller';
import { MessageAcceptService } from './message-accept.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { MessagingGrpcController } from './messaging.grpc-controller';

@Module({
  imports: [ConversationsModule, OutboxModule],
  controllers: [MessagesController, ConversationMessagesController, MessagingGrpcController],
  providers: [MessagesRepository, MessageAcceptService, MessagesService],
})
export class MessagesModule {}
