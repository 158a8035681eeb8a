import { authV1 } from '@chat4all/proto';
import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { TooManyUserIdsError, UsersService } from './users.service';

// AuthService.GetActiveUsers: auth owns users; the gateway asks before it makes them members.
@Controller()
export class UsersGrpcController {
  constructor(private readonly users: UsersService) {}

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'GetActiveUsers')
  async getActiveUsers(req: authV1.GetActiveUsersRequest): Promise<authV1.GetActiveUsersResponse> {
    try {
      return { activeUserIds: await this.users.activeAmong(req.userIds ?? []) };
    } catch (error) {
      if (error instanceof TooManyUserIdsError) throw new RpcException({ code: status.INVALID_ARGUMENT, message: error.message });
      throw error;
    }
  }
}
