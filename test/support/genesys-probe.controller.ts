import { Controller, Get, HttpStatus, Param, ParseUUIDPipe } from '@nestjs/common';
import { Caller, RequireScopes } from '../../src/auth/auth.decorators';
import type { AuthenticatedCaller } from '../../src/auth/authenticated-caller';
import { ApiError } from '../../src/errors/api-error';
import { GenesysClient } from '../../src/genesys/genesys.client';

/**
 * Test fixture: protected routes that drive the real GenesysClient and guard, before the
 * feature endpoints that use them exist.
 */
@Controller('probe')
export class GenesysProbeController {
  constructor(private readonly genesys: GenesysClient) {}

  @Get('conversations/:conversationId')
  async conversation(@Param('conversationId', new ParseUUIDPipe()) conversationId: string) {
    const conversation = await this.genesys.getConversation(conversationId);
    if (!conversation) throw new ApiError(HttpStatus.NOT_FOUND, 'conversation_not_found', 'No such conversation.');
    return { id: conversation.id, purposes: conversation.participants.map((participant) => participant.purpose) };
  }

  @Get('whoami')
  whoami(@Caller() caller: AuthenticatedCaller) {
    return { subject: caller.subject, scopes: [...caller.scopes].sort() };
  }

  @Get('internal')
  @RequireScopes('conversations:verify')
  internal(@Caller() caller: AuthenticatedCaller) {
    return { subject: caller.subject };
  }
}
