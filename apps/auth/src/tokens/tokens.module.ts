import { Module } from '@nestjs/common';
import { AuditLog } from '@chat4all/audit';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenSigner } from './access-token.signer';
import { TokenGrpcController } from './token.grpc-controller';
import { TokenService } from './token.service';

@Module({
  imports: [SigningKeysModule],
  controllers: [TokenGrpcController],
  providers: [TokenService, AccessTokenSigner, AuditLog],
})
export class TokensModule {}
