import { registerAs, type ConfigType } from '@nestjs/config';
import { IsIn, IsOptional } from 'class-validator';
import { readEnvironment } from '../config/environment';

export class VerificationEnvironment {
  /**
   * `report` while rolling signing out: the signature check routes on every attribute and says what `enforce` would
   * pick.
   */
  @IsOptional()
  @IsIn(['enforce', 'report'], { message: 'TRUST_POLICY_MODE must be enforce or report' })
  TRUST_POLICY_MODE: 'enforce' | 'report' = 'enforce';
}

export const verificationConfig = registerAs('verification', () => {
  const env = readEnvironment(VerificationEnvironment);
  return { trustPolicy: env.TRUST_POLICY_MODE };
});

export type VerificationConfig = ConfigType<typeof verificationConfig>;
