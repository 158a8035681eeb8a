import { Module } from '@nestjs/common';
import { RevocationsGrpcController } from './revocations.grpc-controller';
import { RevocationWatch } from './revocation-watch';
import { RevocationsRepository } from './revocations.repository';

@Module({ controllers: [RevocationsGrpcController], providers: [RevocationsRepository, RevocationWatch] })
export class RevocationsModule {}
