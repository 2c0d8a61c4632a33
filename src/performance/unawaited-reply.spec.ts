import { StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { UnawaitedReplyFastifyAdapter } from './unawaited-reply';

/** GET / of the adapter's server, listening on 127.0.0.1. */
async function get(adapter: UnawaitedReplyFastifyAdapter): Promise<Response> {
  const address = await adapter.getInstance().listen({ port: 0, host: '127.0.0.1' });
  return fetch(`${address}/`);
}

const adapters: UnawaitedReplyFastifyAdapter[] = [];
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((adapter) => adapter.close()));
});

/** An adapter whose responses are written from the check phase, as the service's are (deferred-response-write.ts). */
function adapterWithDeferredWrites(): UnawaitedReplyFastifyAdapter {
  const adapter = new UnawaitedReplyFastifyAdapter();
  adapters.push(adapter);
  adapter.getInstance().addHook('onSend', (_request, _reply, payload, done) => setImmediate(done, null, payload));
  return adapter;
}

describe('UnawaitedReplyFastifyAdapter', () => {
  it('gives Nest nothing to wait on for a JSON body, and the body is still sent with its status', async () => {
    const adapter = adapterWithDeferredWrites();
    let returned: unknown = 'reply() was not called';
    adapter.getInstance().get('/', (_request, reply) => {
      returned = adapter.reply(reply, { ok: true }, 201);
    });

    const response = await get(adapter);

    expect(returned).toBeUndefined();
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('still hands back the reply for a streamed body, so that an error while streaming reaches Nest', async () => {
    const adapter = adapterWithDeferredWrites();
    let returned: unknown;
    let sentReply: unknown;
    adapter.getInstance().get('/', (_request, reply) => {
      sentReply = reply;
      returned = adapter.reply(reply, new StreamableFile(Readable.from(['a\n', 'b\n'])));
    });

    const response = await get(adapter);

    expect(returned).toBe(sentReply);
    expect(await response.text()).toBe('a\nb\n');
  });
});
