import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsOptional } from 'class-validator';
import { readEnvironment } from '../config/environment';

export class VerificationEnvironment {
  /** Costs two Genesys requests per verified web messaging report; off, a late set is reported verified. */
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'VERIFICATION_ARRIVAL_CHECK must be true or false' })
  VERIFICATION_ARRIVAL_CHECK: 'true' | 'false' = 'true';
}

export const verificationConfig = registerAs('verification', () => {
  const env = readEnvironment(VerificationEnvironment);
  return { arrivalCheck: env.VERIFICATION_ARRIVAL_CHECK === 'true' };
});

export type VerificationConfig = ConfigType<typeof verificationConfig>;
