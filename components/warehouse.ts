import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { accessList, servicePrincipalAccess } from "./pipeline-access";
import { WarehouseSettings } from "./settings/pipelines";
import { DeclaredPrincipal } from "./settings/principals";

export interface SqlWarehouseArgs {
    /** Warehouse name (`<prefix>-<stack>-warehouse`). */
    name: string;
    /** Size (from `computeSize` or `pipelines.warehouse.size`), clusters, auto-stop, serverless. */
    settings: WarehouseSettings;
    /** Application id of the pipeline service principal: CAN_USE, for the job's SQL task. */
    pipelineApplicationId: pulumi.Input<string>;
    /** `pipelines.permissions`: run roles get CAN_USE, view roles CAN_VIEW. */
    permissions: { run: readonly string[]; view: readonly string[] };
    /** Declared roles → principals. */
    principals: Record<string, DeclaredPrincipal>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The stack's SQL warehouse, with its ACL. It is its own component because three others use it
 * and it depends on none of them: the catalog runs the metadata table's DDL on it (otherwise the
 * provider starts a cluster of its own for that), the full-run job's gold-views task and the app
 * query it.
 */
export class SqlWarehouse extends pulumi.ComponentResource {
    readonly warehouseId: pulumi.Output<string>;

    constructor(name: string, args: SqlWarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:warehouse:SqlWarehouse", name, {}, opts);
        const inWorkspace = { parent: this, provider: args.provider };
        const s = args.settings;
        const warehouse = new databricks.SqlEndpoint(
            "warehouse",
            {
                name: args.name,
                clusterSize: s.size,
                minNumClusters: s.minClusters,
                maxNumClusters: s.maxClusters,
                autoStopMins: s.autoStopMinutes,
                enableServerlessCompute: s.serverless,
                // SQL file tasks need a Pro or serverless warehouse.
                warehouseType: "PRO",
                enablePhoton: true,
            },
            inWorkspace,
        );
        new databricks.Permissions(
            "warehouse-permissions",
            {
                sqlEndpointId: warehouse.id,
                accessControls: accessList("warehouse", args.permissions, args.principals, [servicePrincipalAccess(args.pipelineApplicationId, "CAN_USE")]),
            },
            inWorkspace,
        );
        this.warehouseId = warehouse.id;
        this.registerOutputs({ warehouseId: this.warehouseId });
    }
}
