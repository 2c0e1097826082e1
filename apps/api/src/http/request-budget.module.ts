import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RequestBudget, type RequestBudgetConfig } from './request-budget';

/** The one RequestBudget of the process (null when RATE_LIMIT_PER_SECOND=0): HTTP and WebSocket share it. */
export const REQUEST_BUDGET = Symbol('REQUEST_BUDGET');

@Global()
@Module({})
export class RequestBudgetModule {
  static forRoot(config: RequestBudgetConfig | null): DynamicModule {
    return {
      module: RequestBudgetModule,
      providers: [{ provide: REQUEST_BUDGET, useValue: config ? new RequestBudget(config) : null }],
      exports: [REQUEST_BUDGET],
    };
  }
}
