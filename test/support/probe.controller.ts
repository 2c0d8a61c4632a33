import { Body, Controller, Get, Post } from '@nestjs/common';
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

  @Get('slow')
  async slow(): Promise<{ done: true }> {
    await sleep(300);
    return { done: true };
  }
}
