import { authV1 } from '@chat4all/proto';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class JwksGrpcController {
  constructor(private readonly keys: SigningKeysService) {}

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'GetJwks')
  async getJwks(_request: authV1.GetJwksRequest): Promise<authV1.GetJwksResponse> {
    return { keys: await this.keys.publishedKeys() };
  }
}
