import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal } from "./access";
import { CLUSTER_RUNTIME, LEVELS, RunCompute, accessList, clusterPolicyDefinition, runComputePolicyDefinition, servicePrincipalAccess } from "./pipeline-access";
import { ENVIRONMENT_KEY, JOB_CLUSTER_KEY, MODE_PARAMETER, fullRunTasks } from "./pipeline-tasks";
import { PipelinesSettings } from "./settings/pipelines";
import { uploadWorkloads, workspaceFolder } from "./workload-files";

/** Databricks Runtime of the job's classic cluster (an LTS release; the cluster policy allows the same). */
export const JOB_RUNTIME = CLUSTER_RUNTIME;

/** Pipeline alerts sent to the failure notification addresses. */
const PIPELINE_ALERTS = ["on-update-failure", "on-update-fatal-failure", "on-flow-failure"];

export interface PipelinesArgs {
    /** Resolved `lakehouse:pipelines` (names, compute, schedule, caps, roles). */
    settings: PipelinesSettings;
    /** The Unity Catalog catalog every table, view and task targets. */
    catalogName: pulumi.Input<string>;
    /** Medallion layer → schema name; bronze, silver and gold are used (silver falls back to bronze). */
    schemaNames: Record<string, pulumi.Input<string>>;
    /** Volume path raw files land in (`/Volumes/<catalog>/<schema>/<volume>`), read by Auto Loader. */
    landingVolumePath: pulumi.Input<string>;
    /** The SQL warehouse the job's gold-views task runs on (`SqlWarehouse.warehouseId`). */
    warehouseId: pulumi.Input<string>;
    /** Application id of the pipeline service principal: runs the pipeline and the job, owns both. */
    pipelineApplicationId: pulumi.Input<string>;
    /** Declared roles → principals, for the run/view permissions. */
    principals: Record<string, AclPrincipal>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The orchestration of the lakehouse: the Lakeflow medallion
 * pipeline (code from `workloads/`), the full-run job that refreshes it and builds the gold
 * views, a cluster policy for hand-started clusters, and permissions on each from config roles.
 * Everything runs as the pipeline service principal and targets the catalog and schemas given.
 */
export class Pipelines extends pulumi.ComponentResource {
    readonly pipelineId: pulumi.Output<string>;
    readonly jobId: pulumi.Output<string>;
    readonly clusterPolicyId: pulumi.Output<string>;
    /** Workspace folder holding the uploaded workload code. */
    readonly workspaceFolder: pulumi.Output<string>;

    constructor(name: string, args: PipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:pipelines:Pipelines", name, {}, opts);
        const s = args.settings;
        const inWorkspace = { parent: this, provider: args.provider };
        const sp = args.pipelineApplicationId;
        const bronze = requiredSchema(args.schemaNames, "bronze");
        const schemas = { bronze, silver: args.schemaNames.silver ?? bronze, gold: requiredSchema(args.schemaNames, "gold") };

        // The code runs with the service principal's privileges, so it lives in its home folder:
        // only the principal and workspace admins can change it (everyone can edit /Shared).
        const folder = new databricks.Directory(
            "workload-folder",
            { path: pulumi.output(sp).apply((id) => workspaceFolder(id, s.names.workspaceFolder)) },
            inWorkspace,
        );
        const files = uploadWorkloads(this, args.provider, folder.path, [folder]);

        // Classic compute: the pipeline principal starts its clusters under these policies (CAN_USE),
        // since it may not create clusters freely. The pipeline and the job wait for their grant.
        const runPolicy = (kind: RunCompute, logical: string, name: string, what: string) => {
            if (s.serverless) return { policyOf: {}, after: inWorkspace };
            const policy = new databricks.ClusterPolicy(
                logical,
                { name, description: `The clusters of ${what}: its node type and worker cap, hardened nodes.`, definition: runComputePolicyDefinition(kind, s.cluster) },
                inWorkspace,
            );
            const use = new databricks.Permissions(`${logical}-permissions`, { clusterPolicyId: policy.id, accessControls: [servicePrincipalAccess(sp, "CAN_USE")] }, inWorkspace);
            return { policyOf: { policyId: policy.id, applyPolicyDefaultValues: true }, after: { ...inWorkspace, dependsOn: [use] } };
        };
        const jobCompute = runPolicy("job", "job-compute-policy", s.names.jobComputePolicy, "the full-run job");
        const pipelineCompute = runPolicy("dlt", "pipeline-compute-policy", s.names.pipelineComputePolicy, "the medallion pipeline");

        const pipeline = new databricks.Pipeline(
            "medallion",
            {
                name: s.names.pipeline,
                catalog: args.catalogName,
                schema: schemas.bronze,
                libraries: [{ file: { path: files.pipelineSource } }],
                configuration: {
                    // The pipeline source also runs on open-source Spark (the local workload
                    // tests set "spark"); here it reads with Auto Loader and uses expectations.
                    "lakehouse.runtime": "databricks",
                    "lakehouse.catalog": args.catalogName,
                    "lakehouse.bronze_schema": schemas.bronze,
                    "lakehouse.silver_schema": schemas.silver,
                    "lakehouse.gold_schema": schemas.gold,
                    "lakehouse.landing_path": args.landingVolumePath,
                },
                development: s.development,
                continuous: s.continuous,
                channel: "CURRENT",
                runAs: { servicePrincipalName: sp },
                eventLog: { catalog: args.catalogName, schema: schemas.bronze, name: "medallion_event_log" },
                ...(s.serverless
                    ? { serverless: true }
                    : {
                          // Expectations need the ADVANCED edition on classic compute.
                          edition: "ADVANCED",
                          clusters: [
                              {
                                  label: "default",
                                  ...pipelineCompute.policyOf,
                                  nodeTypeId: s.cluster.nodeType,
                                  autoscale: { minWorkers: s.cluster.minWorkers, maxWorkers: s.cluster.maxWorkers, mode: "ENHANCED" },
                              },
                          ],
                      }),
                ...(s.notifications.onFailure.length > 0
                    ? { notifications: [{ emailRecipients: s.notifications.onFailure, alerts: PIPELINE_ALERTS }] }
                    : {}),
            },
            pipelineCompute.after,
        );

        const job = new databricks.Job(
            "full-run",
            {
                name: s.names.job,
                description: "Full run of the medallion lakehouse: landing folders, pipeline refresh (mode=batch|stream), gold views, smoke checks.",
                parameters: [{ name: MODE_PARAMETER, default: s.mode }],
                tasks: fullRunTasks({
                    pipelineId: pipeline.id,
                    warehouseId: args.warehouseId,
                    files,
                    catalog: args.catalogName,
                    schemas,
                    landingPath: args.landingVolumePath,
                    continuousPipeline: s.continuous,
                    seedSample: s.development,
                    compute: { kind: s.serverless ? "serverless" : "cluster" },
                }),
                ...(s.serverless
                    ? { environments: [{ environmentKey: ENVIRONMENT_KEY, spec: { environmentVersion: "2", dependencies: ["databricks-sdk>=0.40"] } }] }
                    : {
                          jobClusters: [
                              {
                                  jobClusterKey: JOB_CLUSTER_KEY,
                                  newCluster: {
                                      ...jobCompute.policyOf,
                                      sparkVersion: JOB_RUNTIME,
                                      nodeTypeId: s.cluster.nodeType,
                                      autoscale: { minWorkers: s.cluster.minWorkers, maxWorkers: s.cluster.maxWorkers },
                                      dataSecurityMode: "SINGLE_USER",
                                      singleUserName: sp,
                                  },
                              },
                          ],
                      }),
                runAs: { servicePrincipalName: sp },
                schedule: {
                    quartzCronExpression: s.schedule.cron,
                    timezoneId: s.schedule.timezone,
                    pauseStatus: s.schedule.paused ? "PAUSED" : "UNPAUSED",
                },
                maxConcurrentRuns: 1,
                queue: { enabled: true },
                ...(s.notifications.onFailure.length > 0 ? { emailNotifications: { onFailures: s.notifications.onFailure } } : {}),
                notificationSettings: { noAlertForSkippedRuns: true, noAlertForCanceledRuns: true },
            },
            jobCompute.after,
        );

        const policy = new databricks.ClusterPolicy(
            "interactive-policy",
            {
                name: s.names.clusterPolicy,
                description: "Clusters started by hand: allowed node types, capped workers and auto-termination, Unity Catalog access modes only.",
                definition: clusterPolicyDefinition(s.clusterPolicy),
            },
            inWorkspace,
        );

        // Authoritative ACLs. The service principal owns the job and the pipeline explicitly:
        // without an owner the provider would make the deployer the owner (and the pipeline's
        // owner is the identity it runs as).
        const acl = (object: keyof typeof LEVELS, platform: ReturnType<typeof servicePrincipalAccess>[] = []) =>
            accessList(object, s.permissions, args.principals, platform);
        new databricks.Permissions("pipeline-permissions", { pipelineId: pipeline.id, accessControls: acl("pipeline", [servicePrincipalAccess(sp, "IS_OWNER")]) }, inWorkspace);
        new databricks.Permissions("job-permissions", { jobId: job.id, accessControls: acl("job", [servicePrincipalAccess(sp, "IS_OWNER")]) }, inWorkspace);
        if (s.permissions.run.length > 0) {
            new databricks.Permissions("cluster-policy-permissions", { clusterPolicyId: policy.id, accessControls: acl("clusterPolicy") }, inWorkspace);
        }
        const readers = acl("code");
        if (readers.length > 0) {
            new databricks.Permissions("workload-folder-permissions", { directoryPath: folder.path, accessControls: readers }, inWorkspace);
        }

        this.pipelineId = pipeline.id;
        this.jobId = job.id;
        this.clusterPolicyId = policy.id;
        this.workspaceFolder = folder.path;
        this.registerOutputs({
            pipelineId: this.pipelineId,
            jobId: this.jobId,
            clusterPolicyId: this.clusterPolicyId,
        });
    }
}

function requiredSchema(schemaNames: Record<string, pulumi.Input<string>>, layer: string): pulumi.Input<string> {
    const schema = schemaNames[layer];
    if (schema === undefined) throw new Error(`Pipelines: schemaNames has no ${layer} layer (layers: ${Object.keys(schemaNames).join(", ")})`);
    return schema;
}
