import { Injectable } from '@nestjs/common';
import { DeliveryRepository, type DeliveryView } from './delivery.repository';

export type { DeliveryView } from './delivery.repository';

// How gateway reads delivery state (GetDeliveries): status and status history of its messages.
@Injectable()
export class DeliveryQueryService {
  constructor(private readonly deliveries: DeliveryRepository) {}

  byMessageIds(messageIds: readonly string[]): Promise<DeliveryView[]> {
    return this.deliveries.withHistory(messageIds);
  }
}
