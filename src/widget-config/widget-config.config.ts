import { registerAs, type ConfigType } from '@nestjs/config';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { resolve } from 'node:path';
import { readEnvironment } from '../config/environment';

export class WidgetConfigEnvironment {
  @IsOptional()
  @IsString()
  ATTRIBUTES_FILE = 'config/attributes.yaml';

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'WIDGET_CONFIG_TTL_SECONDS must be whole seconds from 60 to 86400' })
  @Min(60, { message: 'WIDGET_CONFIG_TTL_SECONDS must be whole seconds from 60 to 86400' })
  @Max(86400, { message: 'WIDGET_CONFIG_TTL_SECONDS must be whole seconds from 60 to 86400' })
  WIDGET_CONFIG_TTL_SECONDS = 3600;
}

export const widgetConfigConfig = registerAs('widgetConfig', () => {
  const env = readEnvironment(WidgetConfigEnvironment);
  return { attributesFile: resolve(env.ATTRIBUTES_FILE), ttlSeconds: env.WIDGET_CONFIG_TTL_SECONDS };
});

export type WidgetConfigConfig = ConfigType<typeof widgetConfigConfig>;
