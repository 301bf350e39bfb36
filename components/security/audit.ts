import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";

/**
 * The workspace's diagnostic log categories (Azure Monitor, Microsoft.Databricks/workspaces): who
 * signed in, who changed clusters, jobs, notebooks, secrets, permissions and Unity Catalog objects,
 * SQL queries, pipelines and model serving. Listed one by one (not a category group): Azure accepts
 * a group only for the resource types that publish one.
 */
export const WORKSPACE_LOG_CATEGORIES = [
    "accounts",
    "clusters",
    "dbfs",
    "jobs",
    "notebook",
    "secrets",
    "sqlPermissions",
    "unityCatalog",
    "databrickssql",
    "workspace",
    "deltaPipelines",
    "serverlessRealTimeInference",
    "repos",
    "instancePools",
    "ssh",
];

/** Reads, writes and deletes of the lakehouse data (the blob service; the account level has metrics only). */
export const STORAGE_LOG_CATEGORIES = ["StorageRead", "StorageWrite", "StorageDelete"];

export interface AuditLoggingArgs {
    location: string;
    resourceGroupName: pulumi.Input<string>;
    /** Name of the Log Analytics workspace to create. */
    logAnalyticsName: string;
    /** An existing Log Analytics workspace (ARM id) instead of a new one. */
    existingLogAnalyticsId?: string;
    /** Days the created workspace keeps the logs. */
    retentionDays: number;
    /** The Databricks workspace (ARM id). */
    workspaceResourceId: pulumi.Input<string>;
    /** The lakehouse storage account (ARM id). */
    storageAccountId: pulumi.Input<string>;
    tags: Record<string, string>;
}

/**
 * Diagnostic logs to Log Analytics: the Databricks workspace's audit categories and the lakehouse
 * storage's blob reads, writes and deletes, into a workspace created here (or the security team's,
 * named in config). Without them, who did what to the data leaves no trace outside Databricks.
 */
export class AuditLogging extends pulumi.ComponentResource {
    /** ARM id of the Log Analytics workspace that receives the logs. */
    readonly logAnalyticsWorkspaceId: pulumi.Output<string>;

    constructor(name: string, args: AuditLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:security:AuditLogging", name, {}, opts);
        const parent = { parent: this };
        this.logAnalyticsWorkspaceId = args.existingLogAnalyticsId
            ? pulumi.output(args.existingLogAnalyticsId)
            : new operationalinsights.Workspace(
                  "log-analytics",
                  {
                      resourceGroupName: args.resourceGroupName,
                      location: args.location,
                      workspaceName: args.logAnalyticsName,
                      sku: { name: "PerGB2018" },
                      retentionInDays: args.retentionDays,
                      tags: args.tags,
                  },
                  parent,
              ).id;

        new monitor.DiagnosticSetting(
            "workspace-diagnostics",
            {
                name: "lakehouse-audit-workspace",
                resourceUri: args.workspaceResourceId,
                workspaceId: this.logAnalyticsWorkspaceId,
                logAnalyticsDestinationType: "Dedicated",
                logs: WORKSPACE_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
            },
            parent,
        );
        new monitor.DiagnosticSetting(
            "storage-blob-diagnostics",
            {
                name: "lakehouse-audit-blob",
                resourceUri: pulumi.interpolate`${args.storageAccountId}/blobServices/default`,
                workspaceId: this.logAnalyticsWorkspaceId,
                logAnalyticsDestinationType: "Dedicated",
                logs: STORAGE_LOG_CATEGORIES.map((category) => ({ category, enabled: true })),
                metrics: [{ category: "Transaction", enabled: true }],
            },
            parent,
        );
        this.registerOutputs({ logAnalyticsWorkspaceId: this.logAnalyticsWorkspaceId });
    }
}
