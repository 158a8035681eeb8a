import { Module } from '@nestjs/common';
import { OutboundRouting } from './outbound-routing.service';

// Which connector topic a message for an external contact goes to (messages.outbound.<channel>).
@Module({ providers: [OutboundRouting], exports: [OutboundRouting] })
export class RoutingModule {}
