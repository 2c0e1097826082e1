import { readModelProjections, type Projection } from '@kb/read-models';

/** The projections this service keeps up to date (and `npm run projections:rebuild` can rebuild). */
export const projections = (): Projection[] => readModelProjections();
