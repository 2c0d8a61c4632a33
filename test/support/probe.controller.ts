import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Socket } from 'node:net';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Public } from '../../src/auth/auth.decorators';

class ProbeItemDto {
  @IsString()
  @MaxLength(8)
  label!: string;
}

export class ProbeBodyDto {
  @IsString()
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10)
  count!: number;

  @ValidateNested({ each: true })
  @Type(() => ProbeItemDto)
  items: ProbeItemDto[] = [];
}

/** Requests to /probe/held wait until the test lets them go: a request in flight for as long as a test needs, without sleeping. */
export class HeldRequests {
  private static waiting: (() => void)[] = [];
  private static onArrival: ((socket: Socket) => void) | undefined;

  /** Resolves, with the server's end of its connection, when the next request reaches /probe/held. */
  static nextArrival(): Promise<Socket> {
    return new Promise((resolve) => (HeldRequests.onArrival = resolve));
  }

  static releaseAll(): void {
    for (const release of HeldRequests.waiting.splice(0)) release();
  }

  static hold(socket: Socket): Promise<void> {
    const held = new Promise<void>((resolve) => HeldRequests.waiting.push(resolve));
    HeldRequests.onArrival?.(socket);
    HeldRequests.onArrival = undefined;
    return held;
  }
}

/**
 * Test fixture: routes that exercise the cross-cutting machinery (validation pipe, exception
 * filter, request ids, shutdown) before feature endpoints exist to do it.
 */
@Public()
@Controller('probe')
export class ProbeController {
  @Post('echo')
  echo(@Body() body: ProbeBodyDto): ProbeBodyDto {
    return body;
  }

  @Get('boom')
  boom(): never {
    throw new Error('database password is hunter2');
  }

  /** A handler bug the framework only finds when it writes the head: a header value with a line break. */
  @Get('unwritable-head')
  unwritableHead(@Res({ passthrough: true }) reply: FastifyReply): { ok: true } {
    void reply.header('x-broken', 'line\nbreak');
    return { ok: true };
  }

  @Get('held')
  async held(@Req() request: FastifyRequest): Promise<{ done: true }> {
    await HeldRequests.hold(request.raw.socket);
    return { done: true };
  }
}
