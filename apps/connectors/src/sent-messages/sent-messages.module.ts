import { Module } from '@nestjs/common';
import { SentMessageRepository } from './sent-message.repository';

// sent_messages: one row per message handed to a provider, with the provider's id and the last status published.
@Module({ providers: [SentMessageRepository], exports: [SentMessageRepository] })
export class SentMessagesModule {}
