import { Global, Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock';

/** The system clock behind CLOCK, for every module. */
@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: systemClock }],
  exports: [CLOCK],
})
export class ClockModule {}
