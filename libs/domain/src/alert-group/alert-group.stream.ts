import type { StreamDefinition } from '../shared/stream-definition';
import { alertGroupCatalogue } from './alert-group.catalogue';
import { decideAlertGroup, type AlertGroupCommand } from './alert-group.decider';
import { alertGroupStreamId, type AlertGroupEvent } from './alert-group.events';
import { evolveAlertGroup, initialAlertGroupState, type AlertGroupState } from './alert-group.state';

export const alertGroupStream: StreamDefinition<AlertGroupCommand, AlertGroupEvent, AlertGroupState> = {
  streamId: alertGroupStreamId,
  catalogue: alertGroupCatalogue,
  initialState: initialAlertGroupState,
  evolve: evolveAlertGroup,
  decide: decideAlertGroup,
};
