import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { AuthModule } from '../auth/auth.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { AlertIntake } from './alert-intake';
import { AlertmanagerController } from './alertmanager.controller';

/**
 * Incidents from Prometheus Alertmanager: its webhook (`POST /ingest/alertmanager`), the alert
 * groups' stream and the incident writes that follow from it (linking through IncidentsModule's
 * handler). The body is read by `alertmanagerBody`, mounted in create-app.ts.
 */
@Module({
  imports: [AuthModule, EventSourcingModule, IncidentsModule],
  controllers: [AlertmanagerController],
  providers: [AlertIntake],
})
export class AlertmanagerModule {}
