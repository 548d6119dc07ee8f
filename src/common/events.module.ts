import { Global, Module } from '@nestjs/common';
import { RunEvents } from './run-events';

// Events between modules that must not import each other (the ledger tells, the alert feed hears).
@Global()
@Module({ providers: [RunEvents], exports: [RunEvents] })
export class EventsModule {}
