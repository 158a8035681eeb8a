import { Module } from '@nestjs/common';
import { OutboxModule } from '../outbox/outbox.module';
import { ConversationsController } from './conversations.controller';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { ReadHorizonService } from './read-horizon.service';

@Module({
  imports: [OutboxModule],
  controllers: [ConversationsController],
  providers: [ConversationsRepository, ConversationsService, ReadHorizonService],
  exports: [ConversationsService, ReadHorizonService],
})
export class ConversationsModule {}
