import { registerAs, type ConfigType } from '@nestjs/config';
import { IsOptional, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { IntegerVariable, readEnvironment } from '../config/environment';
import { developmentState, keepsDevelopmentState } from '../development/development-state';

const KEY_LIST = /^[A-Za-z0-9_-]{1,16}:[^,\s]{32,}(,\s*[A-Za-z0-9_-]{1,16}:[^,\s]{32,})*$/;

const kidsOf = (keys: string) => keys.split(',').map((pair) => pair.trim().split(':')[0]);
const repeatedKid = (keys: string) => kidsOf(keys).find((kid, index, kids) => kids.indexOf(kid) !== index);

/** A key id given twice: the first secret would win, and every set the other signed would fail its MAC (tampered). */
const DistinctKeyIds = () =>
  ValidateBy({
    name: 'distinctKeyIds',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || repeatedKid(value) === undefined,
      defaultMessage: (args) =>
        `ATTRIBUTE_SIGNING_KEYS names key id "${repeatedKid(String(args?.value))}" twice; each key needs its own kid`,
    },
  });

const DEFAULT_SIGNATURE_TTL_SECONDS = 3600;

export class AttributeSignatureEnvironment {
  /** Read, not validated here: production must configure its signing keys. */
  readonly NODE_ENV?: string;

  @ValidateIf(
    (env: AttributeSignatureEnvironment) => env.ATTRIBUTE_SIGNING_KEYS !== undefined || env.NODE_ENV === 'production',
  )
  @Matches(KEY_LIST, {
    message:
      'ATTRIBUTE_SIGNING_KEYS must be kid:secret pairs separated by commas (kid 1-16 of A-Z a-z 0-9 _ -, secret at least 32 characters)',
  })
  @IsString({ message: 'ATTRIBUTE_SIGNING_KEYS must be set when NODE_ENV=production' })
  @DistinctKeyIds()
  ATTRIBUTE_SIGNING_KEYS?: string;

  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, {
    message: 'ATTRIBUTE_SIGNATURE_NAME must be an attribute name (letters, digits, ".", "_", "-")',
  })
  ATTRIBUTE_SIGNATURE_NAME = 'attributesSignature';

  @IsOptional()
  @IntegerVariable(60, 2592000)
  ATTRIBUTE_LEDGER_TTL_SECONDS = 86400;

  /** Seconds from issue to expiry of a signature (and of the configuration carrying it); 3600 when unset. */
  @IsOptional()
  @IntegerVariable(60, 86400)
  ATTRIBUTE_SIGNATURE_TTL_SECONDS?: number;

  /** ATTRIBUTE_SIGNATURE_TTL_SECONDS's name before 0.3, still read when the new name is unset; goes in 0.4. */
  @IsOptional()
  @IntegerVariable(60, 86400)
  WIDGET_CONFIG_TTL_SECONDS?: number;
}

export interface SigningKey {
  kid: string;
  /**
   * A KeyObject, not the secret's bytes: on Node 24 an HMAC keyed with a Buffer costs about four
   * times one keyed with a KeyObject (9 vs 2 us here), and every issue and verification makes two.
   */
  secret: KeyObject;
}

/** Outside production with no keys: development mode keeps one in its state file; tests make one up per run. */
function unconfiguredKey(): SigningKey {
  const secret = keepsDevelopmentState()
    ? Buffer.from(developmentState().attributeSigningSecret, 'base64url')
    : randomBytes(32);
  return { kid: 'dev', secret: createSecretKey(secret) };
}

export const attributeSignatureConfig = registerAs('attributeSignature', () => {
  const env = readEnvironment(AttributeSignatureEnvironment);
  const keys: SigningKey[] = env.ATTRIBUTE_SIGNING_KEYS
    ? env.ATTRIBUTE_SIGNING_KEYS.split(',').map((pair) => {
        const [kid, ...secret] = pair.trim().split(':');
        return { kid, secret: createSecretKey(Buffer.from(secret.join(':'), 'utf8')) };
      })
    : [unconfiguredKey()];
  return {
    keys,
    signatureName: env.ATTRIBUTE_SIGNATURE_NAME,
    ledgerTtlSeconds: env.ATTRIBUTE_LEDGER_TTL_SECONDS,
    /** Seconds from issue to expiry of a signature, and of the configuration that carries it. */
    lifetimeSeconds:
      env.ATTRIBUTE_SIGNATURE_TTL_SECONDS ?? env.WIDGET_CONFIG_TTL_SECONDS ?? DEFAULT_SIGNATURE_TTL_SECONDS,
  };
});

export type AttributeSignatureConfig = ConfigType<typeof attributeSignatureConfig>;
