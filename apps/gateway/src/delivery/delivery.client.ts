import { ProblemException } from '@chat4all/platform';
import { deliveryV1 } from '@chat4all/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { DeliveryProblems } from '@chat4all/contracts';

export const DELIVERY_GRPC = Symbol('DELIVERY_GRPC');
const DEADLINE_MS = 3000;

const grpcCode = (error: unknown): number | undefined => (error as { code?: number }).code;

/** The worker could not be reached: 503 with a stable type, so clients know to retry. */
export const deliveryUnavailable = () =>
  new ProblemException(DeliveryProblems.deliveryStateUnavailable, 'The message worker did not answer; retry shortly.', {}, { 'retry-after': '2' });

// gateway's side of message-worker's DeliveryService (proto/chat4all/delivery/v1): delivery state and
// dead letters live with the worker, their owner (ARCHITECTURE §1).
@Injectable()
export class DeliveryClient implements OnModuleInit {
  private service!: deliveryV1.DeliveryServiceClient;

  constructor(@Inject(DELIVERY_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<deliveryV1.DeliveryServiceClient>(deliveryV1.DELIVERY_SERVICE_NAME);
  }

  async deliveries(messageIds: string[]): Promise<Map<string, deliveryV1.Delivery>> {
    if (messageIds.length === 0) return new Map();
    const res = await this.call(this.service.getDeliveries({ messageIds }));
    return new Map((res.deliveries ?? []).map((d) => [d.messageId, d]));
  }

  listDeadLetters(req: deliveryV1.ListDeadLettersRequest): Promise<deliveryV1.ListDeadLettersResponse> {
    return this.call(this.service.listDeadLetters(req));
  }

  async replayDeadLetter(id: string, requestedBy: string): Promise<deliveryV1.DeadLetter | undefined> {
    try {
      return (await this.call(this.service.replayDeadLetter({ id, requestedBy }))).deadLetter;
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      if (grpcCode(error) === GrpcStatus.NOT_FOUND) {
        throw new ProblemException(DeliveryProblems.deadLetterNotFound, `No dead letter ${id}.`);
      }
      if (grpcCode(error) === GrpcStatus.FAILED_PRECONDITION) {
        throw new ProblemException(DeliveryProblems.deadLetterAlreadyReplayed, (error as { details?: string }).details);
      }
      if (grpcCode(error) === GrpcStatus.OUT_OF_RANGE) {
        throw new ProblemException(DeliveryProblems.deadLetterSourceMissing, (error as { details?: string }).details);
      }
      throw error;
    }
  }

  private async call<T>(observable: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(observable.pipe(timeout(DEADLINE_MS)));
    } catch (error) {
      const code = grpcCode(error);
      if (code === GrpcStatus.UNAVAILABLE || code === GrpcStatus.DEADLINE_EXCEEDED || (error as Error).name === 'TimeoutError') throw deliveryUnavailable();
      throw error;
    }
  }
}
