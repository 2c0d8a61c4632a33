import { NotFoundException } from '@nestjs/common';
import { ApiError } from '../errors/api-error';
import { commandFailureFor } from './service-command';

const EXITS = { usage: 2, notChecked: 3 };
const SANDBOX = 'http://127.0.0.1:40000';

describe('commandFailureFor', () => {
  it('makes a request the service refuses a usage error, with no hint', () => {
    expect(
      commandFailureFor(new ApiError(400, 'invalid_period', 'The period must end after it starts.'), EXITS, SANDBOX),
    ).toMatchObject({
      exitCode: 2,
      message: 'The period must end after it starts.',
    });
    expect(commandFailureFor(new ApiError(422, 'attributes_invalid', 'No.'), EXITS, SANDBOX).exitCode).toBe(2);
  });

  it('asks whether the sandbox still runs only when Genesys did not answer', () => {
    expect(
      commandFailureFor(new NotFoundException('Genesys Cloud has no conversation with this id.'), EXITS, SANDBOX),
    ).toMatchObject({
      exitCode: 3,
      message: 'Genesys Cloud has no conversation with this id.',
    });
    const gone = commandFailureFor(
      new ApiError(502, 'upstream_unavailable', 'Genesys Cloud is unavailable: ECONNREFUSED.'),
      EXITS,
      SANDBOX,
    );
    expect(gone).toMatchObject({ exitCode: 3 });
    expect(gone.message).toContain(`the sandbox at ${SANDBOX}: is \`npm start\` still running?`);
    expect(
      commandFailureFor(new ApiError(502, 'upstream_unavailable', 'Genesys Cloud is unavailable.'), EXITS, undefined)
        .message,
    ).toBe('Genesys Cloud is unavailable.');
  });
});
