import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { RecurrenceClusterResolver, ReportsResolver } from './reports.resolver';
import { ReportsCsvController } from './reports-csv.controller';

/** The failure-trend reports: GraphQL queries (VIEWER and above) and CSV exports (ANALYST and above). */
@Module({
  imports: [AuthModule],
  controllers: [ReportsCsvController],
  providers: [ReportsResolver, RecurrenceClusterResolver],
})
export class ReportsModule {}
