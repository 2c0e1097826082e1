import { Command, type CommandBus } from '@nestjs/cqrs';
import type { Projector } from '@kb/read-models';
import { ReadYourWrites, type Written } from './read-your-writes';

class SomeWrite extends Command<Written> {}

describe('ReadYourWrites', () => {
  const outcome: Written = { entityId: 'i-1', revision: 0, position: '00000000000000000007' };
  const projectedRow = { id: 'i-1', title: 'as projected' };
  const foldedIncident = { id: 'i-1', title: 'as decided' };

  function setUp(reached: boolean, written: Written = outcome) {
    const waitForPosition = jest.fn().mockResolvedValue(reached);
    const execute = jest.fn().mockResolvedValue(written);
    const writes = new ReadYourWrites(
      { execute } as unknown as CommandBus,
      { waitForPosition } as unknown as Projector,
    );
    const fromReadModel = jest.fn().mockResolvedValue(projectedRow);
    const asDecided = jest.fn().mockResolvedValue(foldedIncident);
    return { writes, execute, waitForPosition, read: { fromReadModel, asDecided } };
  }

  it('sends the command, waits for the position of the append, then reads the read model', async () => {
    const { writes, execute, waitForPosition, read } = setUp(true);
    const command = new SomeWrite();
    await expect(writes.readBack(command, read)).resolves.toBe(projectedRow);
    expect(execute).toHaveBeenCalledWith(command);
    expect(waitForPosition).toHaveBeenCalledWith('00000000000000000007', 5_000);
    expect(read.asDecided).not.toHaveBeenCalled();
  });

  it('answers with the state folded from the events when the read models stay behind', async () => {
    const { writes, read } = setUp(false);
    await expect(writes.readBack(new SomeWrite(), read)).resolves.toBe(foldedIncident);
    expect(read.fromReadModel).not.toHaveBeenCalled();
    expect(read.asDecided).toHaveBeenCalledWith(outcome);
  });

  it('does not wait when nothing was written', async () => {
    const { writes, waitForPosition, read } = setUp(false, { ...outcome, position: null });
    await expect(writes.readBack(new SomeWrite(), read)).resolves.toBe(projectedRow);
    expect(waitForPosition).not.toHaveBeenCalled();
  });

  it('says which write it cannot read back', async () => {
    const { writes, read } = setUp(false);
    read.asDecided.mockResolvedValue(null);
    await expect(writes.readBack(new SomeWrite(), read)).rejects.toThrow(
      'The write to i-1 (revision 0) is stored but cannot be read back.',
    );
  });
});
