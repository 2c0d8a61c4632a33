import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Logger as PinoLogger } from 'pino';
import { appConfig, type AppConfig } from '../config/app.config';
import { APPLICATION_LOG, LOG_DESTINATION } from './logging.tokens';

const mockPrettyLoads = jest.fn();
jest.mock('pino-pretty', () => {
  mockPrettyLoads();
  return jest.requireActual<object>('pino-pretty');
});

// Loaded in the test, not with this file: whether loading it loads pino-pretty is part of what is tested.
async function applicationLog(logFormat: AppConfig['logFormat']) {
  const { LoggingModule } = await import('./logging.module.js');
  @Global()
  @Module({
    providers: [{ provide: appConfig.KEY, useValue: { logLevel: 'info', logFormat } as Partial<AppConfig> }],
    exports: [appConfig.KEY],
  })
  class ConfigStub {}
  const written: string[] = [];
  const moduleRef = await Test.createTestingModule({ imports: [ConfigStub, LoggingModule] })
    .overrideProvider(LOG_DESTINATION)
    .useValue({ write: (line: string) => written.push(line) })
    .compile();
  return { log: moduleRef.get<PinoLogger>(APPLICATION_LOG), written };
}

describe('LoggingModule', () => {
  beforeEach(() => mockPrettyLoads.mockClear());

  it('writes JSON lines without loading the pretty formatter', async () => {
    const { log, written } = await applicationLog('json');
    log.info({ context: 'Probe' }, 'hello');
    expect(JSON.parse(written[0])).toMatchObject({ level: 30, context: 'Probe', msg: 'hello' });
    expect(mockPrettyLoads).not.toHaveBeenCalled();
  });

  it('loads the pretty formatter when asked for, and writes readable lines with it', async () => {
    const { log, written } = await applicationLog('pretty');
    log.info({ context: 'Probe' }, 'hello');
    expect(written[0]).toMatch(/INFO.*\[Probe\] hello\n$/);
    expect(mockPrettyLoads).toHaveBeenCalledTimes(1);
  });
});
