import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EventLogModule } from '../event-log/event-log.module';
import { AddTimelineEntryResolver } from './add-timeline-entry/add-timeline-entry.resolver';
import { ConcludeExperimentResolver } from './conclude-experiment/conclude-experiment.resolver';
import { IncidentExperimentResolver } from './experiment/incident-experiment.resolver';
import { LinkIncidentsResolver } from './link-incidents/link-incidents.resolver';
import { PlanExperimentResolver } from './plan-experiment/plan-experiment.resolver';
import { PostmortemDocumentController } from './postmortem-document/postmortem-document.controller';
import { PublishPostmortemResolver } from './publish-postmortem/publish-postmortem.resolver';
import { RecordFindingResolver } from './record-finding/record-finding.resolver';
import { RecordMilestoneResolver } from './record-milestone/record-milestone.resolver';
import { ReopenIncidentResolver } from './reopen-incident/reopen-incident.resolver';
import { ReportIncidentResolver } from './report-incident/report-incident.resolver';
import { RetractFindingResolver } from './retract-finding/retract-finding.resolver';
import { ReviseFindingResolver } from './revise-finding/revise-finding.resolver';
import { ReviseIncidentResolver } from './revise-incident/revise-incident.resolver';
import {
  FindingFieldsResolver,
  IncidentLinkFieldsResolver,
  IncidentResolver,
  PostmortemFieldsResolver,
} from './incident.resolver';
import { IncidentReadBack } from './incident-read-back';
import { IncidentsModule } from './incidents.module';

/**
 * The GraphQL operations on incidents (their mutations, through IncidentsModule's commands, and
 * queries), and the postmortem document (`GET /incidents/<id>/postmortem.md`).
 */
@Module({
  imports: [IncidentsModule, EventLogModule, AuthModule],
  controllers: [PostmortemDocumentController],
  providers: [
    IncidentReadBack,
    ReportIncidentResolver,
    ReviseIncidentResolver,
    RecordMilestoneResolver,
    ReopenIncidentResolver,
    AddTimelineEntryResolver,
    RecordFindingResolver,
    ReviseFindingResolver,
    RetractFindingResolver,
    LinkIncidentsResolver,
    PublishPostmortemResolver,
    PlanExperimentResolver,
    ConcludeExperimentResolver,
    IncidentResolver,
    IncidentExperimentResolver,
    FindingFieldsResolver,
    PostmortemFieldsResolver,
    IncidentLinkFieldsResolver,
  ],
})
export class IncidentsApiModule {}
