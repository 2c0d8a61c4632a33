import { StreamableFile } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/**
 * Nest awaits whatever its adapter's `reply` returns, and Fastify's reply is a thenable: awaited
 * before the response has been written, it hangs end-of-stream listeners on the response and
 * settles once the response finishes. With responses written from the check phase
 * (deferred-response-write.ts), no response has been written when Nest awaits it, so every
 * request paid for those listeners and for a promise nothing needs: the body is already handed to
 * Fastify, which writes it and reports a failed write itself. Without the wait, on Node 24 the
 * config endpoint spends 0.98× the CPU per request (bench row "config, memory store"; paired on
 * one core: docs/performance.md).
 *
 * A streamed body (StreamableFile: an audit's results) is still awaited, so that an error while
 * it streams reaches Nest's exception handling as before.
 *
 * One wait per request remains: Nest's route handler resolves its promise with the reply itself
 * (`return res` in router-execution-context), which waits on the thenable the same way. It stays:
 * a handler whose promise settled before the deferred write would have Fastify send the reply a
 * second time (wrap-thenable sends when a handler resolves undefined and nothing is sent yet).
 */
export class UnawaitedReplyFastifyAdapter extends FastifyAdapter {
  override reply(...args: Parameters<FastifyAdapter['reply']>): ReturnType<FastifyAdapter['reply']> {
    const sent = super.reply(...args);
    // Nest only awaits what `reply` returns (its router and its exception filter), and awaiting undefined is free.
    return (args[1] instanceof StreamableFile ? sent : undefined) as ReturnType<FastifyAdapter['reply']>;
  }
}
