import { ReadModelsInitial1767225600000 } from './1767225600000-read-models-initial.migration';
import { DeadLetters1767225900000 } from './1767225900000-dead-letters.migration';

/** Every read-model migration, oldest first. A new read model adds its own migration here. */
export const READ_MODEL_MIGRATIONS = [ReadModelsInitial1767225600000, DeadLetters1767225900000];
