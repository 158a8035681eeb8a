import { Module } from '@nestjs/common';
import { DeadLetterMetrics } from './dead-letter-metrics';
import { DeadLetterRecorder } from './dead-letter-recorder.consumer';
import { DeadLetterRepository } from './dead-letter.repository';
import { DeadLetterService } from './dead-letter.service';

// Every record on the dead-letter topic becomes a row (whoever sent it there: this worker, the
// connectors, the relay); the admin API lists and replays them through DeadLetterService.
@Module({ providers: [DeadLetterRepository, DeadLetterService, DeadLetterRecorder, DeadLetterMetrics], exports: [DeadLetterService] })
export class DeadLettersModule {}
