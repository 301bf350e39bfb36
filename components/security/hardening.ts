import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";

/** The system tables (Unity Catalog `system.*` schemas) the platform turns on: audit, cost, compute, pipelines, serving, queries. */
export const SYSTEM_SCHEMAS = ["access", "billing", "compute", "lakeflow", "serving", "query"] as const;

/**
 * The workspace configuration the platform sets (`databricks.WorkspaceConf`, string values as the API
 * takes them). Everywhere: verbose audit logs, personal access tokens live at most 90 days, no notebook
 * export or DBFS file browser, no file upload UI. In production also no downloading of query results
 * and no clipboard copy of tables (data leaves through governed paths only); development stacks leave
 * those two at the workspace's default rather than turning them on.
 */
export function workspaceConf(production: boolean, ipAccessLists: boolean): Record<string, string> {
    return {
        enableVerboseAuditLogs: "true",
        enableTokensConfig: "true",
        maxTokenLifetimeDays: "90",
        enableExportNotebook: "false",
        enableDbfsFileBrowser: "false",
        enableUploadDataUis: "false",
        ...(production ? { enableResultsDownloading: "false", enableNotebookTableClipboard: "false" } : {}),
        ...(ipAccessLists ? { enableIpAccessLists: "true" } : {}),
    };
}

export interface WorkspaceHardeningArgs {
    /** Production stacks also stop result downloads and table copies. */
    production: boolean;
    /** The catalog new sessions default to (instead of the legacy `hive_metastore`). */
    defaultCatalog: pulumi.Input<string>;
    /** IPv4 ranges allowed to reach a public front end; empty: no IP access list. */
    allowedIpRanges: string[];
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
    /**
     * What the settings wait for: restricting workspace admins must come after the deployer has set
     * the job's and the pipeline's run-as principal. (A component's own `dependsOn` does not order
     * its children, so every child takes this.)
     */
    after: pulumi.Resource[];
}

/**
 * The workspace's security settings, applied after everything else is created: system tables on;
 * the legacy Hive metastore and DBFS root off (new sessions land in the stack's catalog); workspace
 * admins may not create tokens for, or run jobs as, service principals they do not own; the
 * workspace configuration above; and, on a public front end, the IP access list.
 */
export class WorkspaceHardening extends pulumi.ComponentResource {
    constructor(name: string, args: WorkspaceHardeningArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:security:WorkspaceHardening", name, {}, opts);
        const inWorkspace = { parent: this, provider: args.provider, dependsOn: args.after };

        for (const schema of SYSTEM_SCHEMAS) new databricks.SystemSchema(`system-schema-${schema}`, { schema }, inWorkspace);

        // Legacy access can only be turned off once the default namespace is no longer hive_metastore.
        const namespace = new databricks.DefaultNamespaceSetting("default-namespace", { namespace: { value: args.defaultCatalog } }, inWorkspace);
        new databricks.DisableLegacyAccessSetting("disable-legacy-access", { disableLegacyAccess: { value: true } }, { ...inWorkspace, dependsOn: [...args.after, namespace] });
        new databricks.DisableLegacyDbfsSetting("disable-legacy-dbfs", { disableLegacyDbfs: { value: true } }, inWorkspace);
        new databricks.RestrictWorkspaceAdminsSetting(
            "restrict-workspace-admins",
            { restrictWorkspaceAdmins: { status: "RESTRICT_TOKENS_AND_JOB_RUN_AS" } },
            inWorkspace,
        );

        const ipAccessLists = args.allowedIpRanges.length > 0;
        const conf = new databricks.WorkspaceConf("workspace-conf", { customConfig: workspaceConf(args.production, ipAccessLists) }, inWorkspace);
        if (ipAccessLists) {
            new databricks.IpAccessList(
                "allowed-ip-ranges",
                { label: "lakehouse-allowed", listType: "ALLOW", ipAddresses: args.allowedIpRanges, enabled: true },
                { ...inWorkspace, dependsOn: [...args.after, conf] },
            );
        }
        this.registerOutputs({});
    }
}
