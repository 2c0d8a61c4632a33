import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BEARER_AUTH, Caller, RequireScopes } from '../auth/auth.decorators';
import type { AuthenticatedCaller } from '../auth/authenticated-caller';
import {
  ApiAttributesInvalidError,
  ApiInsufficientScopeError,
  ApiUnauthorizedError,
  ApiValidationError,
} from '../errors/error-responses';
import { AttributeRegistryDto } from './dto/attribute-definition.dto';
import { IssueConfigDto } from './dto/issue-config.dto';
import { AttributeValidationReportDto, ValidateAttributesDto } from './dto/validate-attributes.dto';
import { WidgetConfigDto } from './dto/widget-config.dto';
import { WidgetConfigService } from './widget-config.service';

@ApiTags('web-messaging')
@ApiBearerAuth(BEARER_AUTH)
@ApiUnauthorizedError()
@Controller('api/web-messaging')
export class WidgetConfigController {
  constructor(private readonly widgetConfig: WidgetConfigService) {}

  /** The attribute registry: every attribute this service issues, its type, source, limits and PII class, and the routing rules. */
  @Get('attributes')
  @ApiOkResponse({ type: AttributeRegistryDto })
  attributes(): AttributeRegistryDto {
    return this.widgetConfig.describeRegistry();
  }

  /** Checks a candidate attribute map against the registry without issuing anything: per attribute ok or why not, and the total size. */
  @Post('attributes/validate')
  @HttpCode(200)
  @ApiOkResponse({ type: AttributeValidationReportDto })
  @ApiValidationError('the body is not `{ attributes: {...} }`.', {
    field: 'attributes',
    code: 'isObject',
    message: 'attributes must be an object',
  })
  validate(@Body() body: ValidateAttributesDto): AttributeValidationReportDto {
    return this.widgetConfig.validate(body.attributes);
  }

  /** The signed-in visitor's Messenger configuration, with attributes built from the verified claims of their token. */
  @Get('config')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: WidgetConfigDto })
  @ApiAttributesInvalidError(
    '`attributes_invalid` (a required claim missing, a value refused; `details` names each) or `attributes_too_large`.',
    'Some attributes cannot be issued.',
    {
      field: 'attributes.userTier',
      code: 'missing_required',
      message: 'userTier is required, but the token has no tier claim',
    },
  )
  visitorConfig(@Caller() caller: AuthenticatedCaller): Promise<WidgetConfigDto> {
    return this.widgetConfig.configForVisitor(caller);
  }

  /** A visitor's Messenger configuration, requested by an internal service with the attribute values (scope `attributes:issue`). */
  @Post('config')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireScopes('attributes:issue')
  @ApiOkResponse({ type: WidgetConfigDto })
  @ApiValidationError('the body is not `{ userId, attributes }`.', {
    field: 'userId',
    code: 'isString',
    message: 'userId must be a string',
  })
  @ApiInsufficientScopeError('attributes:issue')
  @ApiAttributesInvalidError(
    '`attributes_invalid` (unknown or wrongly-cased names with a suggestion, wrong types, card numbers, secrets, an identity attribute that is not `userId`...) or `attributes_too_large`.',
    'Some attributes cannot be issued.',
    {
      field: 'attributes.usertier',
      code: 'unknown_attribute',
      message: 'Unknown attribute "usertier"; did you mean "userTier"? Names are case-sensitive.',
      suggestion: 'userTier',
    },
  )
  serviceConfig(@Body() body: IssueConfigDto): Promise<WidgetConfigDto> {
    return this.widgetConfig.configForService(body);
  }
}
