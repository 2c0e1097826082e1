/**
 * The projector process: the service with KB_ROLES=projector,webhooks by default. It applies the
 * events to the read models and delivers webhooks, and serves /health and /metrics only. Run any
 * number beside the API replicas on one PostgreSQL database: each projection, and webhook delivery,
 * is done by one process at a time; the others stand by and take over when it dies.
 */
import './projector-roles';
import '../../api/src/main';
