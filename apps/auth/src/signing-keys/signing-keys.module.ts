import { Module } from '@nestjs/common';
import { JwksGrpcController } from './jwks.grpc-controller';
import { SigningKeysRepository } from './signing-keys.repository';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [JwksGrpcController],
  providers: [SigningKeysRepository, SigningKeysService],
  exports: [SigningKeysService],
})
export class SigningKeysModule {}
