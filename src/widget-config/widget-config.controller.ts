import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  ApiBadRequestResponse,
} from '@nestjs/swagger';
import { Caller, RequireScopes } from '../auth/auth.decorators';
import type { AuthenticatedCaller } from '../auth/authenticated-caller';
import { ErrorBodyDto } from '../errors/error-body.dto';
import { BEARER_AUTH } from '../openapi/openapi-document';
import { AttributeRegistryDto } from './dto/attribute-definition.dto';
import { IssueConfigDto } from './dto/issue-config.dto';
import { AttributeValidationReportDto, ValidateAttributesDto } from './dto/validate-attributes.dto';
import { WidgetConfigDto } from './dto/widget-config.dto';
import { WidgetConfigService } from './widget-config.service';

@ApiTags('web-messaging')
@ApiBearerAuth(BEARER_AUTH)
@ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'No valid bearer token; `details[0].code` says why.' })
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
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'The body is not `{ attributes: {...} }`.' })
  validate(@Body() body: ValidateAttributesDto): AttributeValidationReportDto {
    return this.widgetConfig.validate(body.attributes);
  }

  /** The signed-in visitor's Messenger configuration, with attributes built from the verified claims of their token. */
  @Get('config')
  @Header('cache-control', 'no-store')
  @ApiOkResponse({ type: WidgetConfigDto })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: '`attributes_invalid` (a required claim missing, a value refused; `details` names each) or `attributes_too_large`.',
  })
  visitorConfig(@Caller() caller: AuthenticatedCaller): Promise<WidgetConfigDto> {
    return this.widgetConfig.configForVisitor(caller);
  }

  /** A visitor's Messenger configuration, requested by an internal service with the attribute values (scope `attributes:issue`). */
  @Post('config')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @RequireScopes('attributes:issue')
  @ApiOkResponse({ type: WidgetConfigDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'The body is not `{ userId, attributes }`.' })
  @ApiForbiddenResponse({ type: ErrorBodyDto, description: '`insufficient_scope`: the token lacks `attributes:issue`.' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBodyDto,
    description: '`attributes_invalid` (unknown or wrongly-cased names with a suggestion, wrong types, card numbers, secrets...) or `attributes_too_large`.',
  })
  serviceConfig(@Body() body: IssueConfigDto): Promise<WidgetConfigDto> {
    return this.widgetConfig.configForService(body);
  }
}
