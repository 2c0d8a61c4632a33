import 'reflect-metadata';
import { createSecretKey } from 'node:crypto';
import { Controller, Get, Injectable, Module, Query, Req, UseGuards, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { IsOptional, IsString } from 'class-validator';
import { ExtractJwt, Strategy } from 'passport-jwt';
import {
  BENCH_AUDIENCE,
  BENCH_DEPLOYMENT_ID,
  BENCH_ISSUER,
  BENCH_JWT_SECRET,
  BENCH_SIGNING_SECRET,
  signedAttributes,
} from '../bench-claims';

/**
 * The conventional peer: the same endpoint as NestJS tutorials write it (Express, passport-jwt
 * given the secret as a string, a global ValidationPipe and a class-validator DTO).
 */
@Injectable()
class TutorialJwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: BENCH_JWT_SECRET,
      issuer: BENCH_ISSUER,
      audience: BENCH_AUDIENCE,
    });
  }

  validate(payload: Record<string, unknown>) {
    return payload;
  }
}

class ConfigQueryDto {
  @IsOptional()
  @IsString()
  locale?: string;
}

/** The attribute signing is the same work in every contender; the peer differs in how it is built around it. */
const SIGNING_KEY = createSecretKey(Buffer.from(BENCH_SIGNING_SECRET));

@Controller('api/web-messaging')
class PeerConfigController {
  @Get('config')
  @UseGuards(AuthGuard('jwt'))
  config(@Query() _query: ConfigQueryDto, @Req() request: { user: Record<string, unknown> }) {
    const claims = request.user;
    const issuedAt = new Date();
    return {
      widgetId: BENCH_DEPLOYMENT_ID,
      organizationId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      environment: 'prod',
      region: 'mypurecloud.com',
      guestAttributes: signedAttributes(claims, SIGNING_KEY),
      routing: {
        queueId: claims.tier === 'Gold' ? 'queue-support-gold' : 'queue-support',
        defaultQueueId: 'queue-support',
      },
      issuedAt: issuedAt.toISOString(),
      expiresAt: new Date(issuedAt.getTime() + 3600_000).toISOString(),
    };
  }
}

@Module({ imports: [PassportModule], controllers: [PeerConfigController], providers: [TutorialJwtStrategy] })
class PeerModule {}

async function main() {
  const app = await NestFactory.create(PeerModule, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
  await app.listen(Number(process.env.PORT ?? 3200), '127.0.0.1');
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
