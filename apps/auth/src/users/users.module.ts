import { Module } from '@nestjs/common';
import { UsersGrpcController } from './users.grpc-controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersGrpcController],
  providers: [UsersRepository, UsersService],
})
export class UsersModule {}
