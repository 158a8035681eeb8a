import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenSigner } from './access-token.signer';
import { TokenGrpcController } from './token.grpc-controller';
import { TokenService } from './token.service';

@Module({
  imports: [SigningKeysModule],
  controllers: [TokenGrpcController],
  providers: [TokenService, AccessTokenSigner, AuditService],
})
export class TokensModule {}
