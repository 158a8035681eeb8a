import { Module } from '@nestjs/common';
import { AuditLog } from '@chat4all/audit';
import { ClientsModule } from '../clients/clients.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenSigner } from './access-token.signer';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenGrpcController } from './token.grpc-controller';
import { TokenService } from './token.service';

@Module({
  imports: [ClientsModule, SigningKeysModule],
  controllers: [TokenGrpcController],
  providers: [RefreshTokensRepository, TokenService, AccessTokenSigner, AuditLog],
})
export class TokensModule {}
