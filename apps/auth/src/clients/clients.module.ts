import { Module } from '@nestjs/common';
import { ClientsRepository } from './clients.repository';

// API clients as the token endpoints see them; their administration (ClientsAdmin) runs from the admin CLI.
@Module({
  providers: [ClientsRepository],
  exports: [ClientsRepository],
})
export class ClientsModule {}
