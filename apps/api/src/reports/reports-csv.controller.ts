import {
  Controller,
  Get,
  Header,
  HttpException,
  HttpStatus,
  Inject,
  Query,
  Headers,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { Catch } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DomainRuleError } from '@kb/domain';
import {
  actionItemHealth,
  contributingFactors,
  incidentTrend,
  InvalidQueryArgumentError,
  learning,
  recurrence,
  responseTimes,
  type DurationStats,
  type LearningPoint,
} from '@kb/read-models';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { authorizeHttp } from '../auth/http-authorization';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { toCsv, type CsvValue } from './csv';
import {
  actionItemHealthInputOf,
  learningInputOf,
  periodInputOf,
  trendInputOf,
  type QueryParams,
} from './report-query-params';

const CSV = 'text/csv; charset=utf-8; header=present';

/** The little of Express's response the error filter uses. */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Refusals as JSON with the contract's codes: 400 BAD_USER_INPUT (field and rule), 401, 403. */
@Catch(DomainRuleError, InvalidQueryArgumentError, HttpException)
class ReportErrorFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (error instanceof HttpException) {
      response.status(error.getStatus()).json(error.getResponse());
      return;
    }
    const field =
      error instanceof DomainRuleError ? error.field : (error as InvalidQueryArgumentError).argument;
    response.status(HttpStatus.BAD_REQUEST).json({ code: 'BAD_USER_INPUT', field, message: error.message });
  }
}

const stats = (name: string) => [
  `${name}Count`,
  `${name}MeanSeconds`,
  `${name}MedianSeconds`,
  `${name}P90Seconds`,
];
const statValues = (s: DurationStats): CsvValue[] => [s.count, s.meanSeconds, s.medianSeconds, s.p90Seconds];

/** The learning CSV's columns: the contract's LearningPoint fields, in its order. */
const LEARNING_COLUMNS = [
  'bucketStart',
  'key',
  'incidents',
  'nearMisses',
  'nearMissRatio',
  'experiments',
  'refutedRate',
  'postmortemRate',
  'medianDaysToPostmortem',
  'overduePostmortems',
  'actionItemRate',
  'onTimeActionItemRate',
] as const satisfies ReadonlyArray<keyof LearningPoint>;

/**
 * `GET /reports/<report>.csv`: each report as RFC 4180 CSV with a header row, for ANALYST and above
 * (`Authorization: Bearer <secret>`). The arguments are the GraphQL query's, as query parameters:
 * `from`, `to`, `bucket`, `groupBy`, `asOf` and the incident filter's fields (lists repeated or
 * comma-separated), e.g. `/reports/incidentTrend.csv?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&bucket=MONTH&kinds=INCIDENT,NEAR_MISS`.
 */
@Controller('reports')
@UseFilters(ReportErrorFilter)
export class ReportsCsvController {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  @Get('incidentTrend.csv')
  @Header('Content-Type', CSV)
  async incidentTrend(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const points = await incidentTrend(this.dataSource, trendInputOf(params));
    return toCsv(
      ['bucketStart', 'key', 'count'],
      points.map((p) => [p.bucketStart, p.key, p.count]),
    );
  }

  @Get('responseTimes.csv')
  @Header('Content-Type', CSV)
  async responseTimes(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const points = await responseTimes(this.dataSource, trendInputOf(params));
    return toCsv(
      [
        'bucketStart',
        'key',
        'incidents',
        ...stats('detect'),
        ...stats('acknowledge'),
        ...stats('mitigate'),
        ...stats('resolve'),
      ],
      points.map((p) => [
        p.bucketStart,
        p.key,
        p.incidents,
        ...statValues(p.detect),
        ...statValues(p.acknowledge),
        ...statValues(p.mitigate),
        ...statValues(p.resolve),
      ]),
    );
  }

  @Get('contributingFactors.csv')
  @Header('Content-Type', CSV)
  async contributingFactors(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const ranks = await contributingFactors(this.dataSource, periodInputOf(params));
    return toCsv(
      ['category', 'incidents', 'share', 'previousPeriodIncidents'],
      ranks.map((r) => [r.category, r.incidents, r.share, r.previousPeriodIncidents]),
    );
  }

  @Get('actionItemHealth.csv')
  @Header('Content-Type', CSV)
  async actionItemHealth(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const rows = await actionItemHealth(this.dataSource, actionItemHealthInputOf(params, new Date()));
    return toCsv(
      ['key', 'open', 'inProgress', 'done', 'wontDo', 'overdue', 'completionRate', 'medianDaysToClose'],
      rows.map((r) => [
        r.key,
        r.open,
        r.inProgress,
        r.done,
        r.wontDo,
        r.overdue,
        r.completionRate,
        r.medianDaysToClose,
      ]),
    );
  }

  /** One row per incident of each cluster; the totals (incidents, recurrences, repeatRate) repeat on every row. */
  @Get('recurrence.csv')
  @Header('Content-Type', CSV)
  async recurrence(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const report = await recurrence(this.dataSource, periodInputOf(params));
    return toCsv(
      ['service', 'category', 'incidentId', 'incidents', 'recurrences', 'repeatRate'],
      report.clusters.flatMap((cluster) =>
        (cluster.incidentIds ?? []).map((id) => [
          cluster.service,
          cluster.category,
          id,
          report.incidents,
          report.recurrences,
          report.repeatRate,
        ]),
      ),
    );
  }

  @Get('learning.csv')
  @Header('Content-Type', CSV)
  async learning(
    @Headers('authorization') authorization: string | undefined,
    @Query() params: QueryParams,
  ): Promise<string> {
    await this.authorize(authorization);
    const points = await learning(this.dataSource, learningInputOf(params, new Date()));
    return toCsv(
      [...LEARNING_COLUMNS],
      points.map((p) => LEARNING_COLUMNS.map((column) => p[column])),
    );
  }

  private async authorize(authorization: string | undefined): Promise<void> {
    await authorizeHttp(this.authenticator, authorization, { role: 'ANALYST', what: 'export reports' });
  }
}
