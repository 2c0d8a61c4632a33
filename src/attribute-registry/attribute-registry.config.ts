import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { resolve } from 'node:path';
import { readEnvironment } from '../config/environment';

export class WidgetConfigEnvironment {
  @IsOptional()
  @IsString()
  ATTRIBUTES_FILE = 'config/attributes.yaml';
}

export const widgetConfigConfig = registerAs('widgetConfig', () => {
  const env = readEnvironment(WidgetConfigEnvironment);
  return { attributesFile: resolve(env.ATTRIBUTES_FILE) };
});

export type WidgetConfigConfig = ConfigType<typeof widgetConfigConfig>;
