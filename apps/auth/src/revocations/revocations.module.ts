import { Module } from '@nestjs/common';
import { RevocationsGrpcController } from './revocations.grpc-controller';
import { RevocationsRepository } from './revocations.repository';

@Module({ controllers: [RevocationsGrpcController], providers: [RevocationsRepository] })
export class RevocationsModule {}
