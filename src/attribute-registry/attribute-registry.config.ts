import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, IsString } from 'class-validator';
import { resolve } from 'node:path';
import { readEnvironment } from '../config/environment';

export class AttributeRegistryEnvironment {
  @IsOptional()
  @IsString()
  ATTRIBUTES_FILE = 'config/attributes.yaml';
}

export const attributeRegistryConfig = registerAs('attributeRegistry', () => {
  const env = readEnvironment(AttributeRegistryEnvironment);
  return { attributesFile: resolve(env.ATTRIBUTES_FILE) };
});

export type AttributeRegistryConfig = ConfigType<typeof attributeRegistryConfig>;
