import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { resolve } from 'node:path';
import { IntegerVariable, readEnvironment } from '../config/environment';

export class WidgetConfigEnvironment {
  @IsOptional()
  @IsString()
  ATTRIBUTES_FILE = 'config/attributes.yaml';

  @IsOptional()
  @IntegerVariable(60, 86400)
  WIDGET_CONFIG_TTL_SECONDS = 3600;
}

export const widgetConfigConfig = registerAs('widgetConfig', () => {
  const env = readEnvironment(WidgetConfigEnvironment);
  return { attributesFile: resolve(env.ATTRIBUTES_FILE), ttlSeconds: env.WIDGET_CONFIG_TTL_SECONDS };
});

export type WidgetConfigConfig = ConfigType<typeof widgetConfigConfig>;
