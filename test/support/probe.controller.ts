import { Body, Controller, Get, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { setTimeout as sleep } from 'node:timers/promises';
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

  @Get('slow')
  async slow(): Promise<{ done: true }> {
    await sleep(300);
    return { done: true };
  }
}
