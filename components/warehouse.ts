import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal } from "./access";
import { accessList, servicePrincipalAccess } from "./pipeline-access";
import { WarehouseSettings } from "./settings/pipelines";

export interface SqlWarehouseArgs {
    /** Warehouse name (`<prefix>-<stack>-warehouse`). */
    name: string;
    /** Size (from `computeSize` or `pipelines.warehouse.size`), clusters, auto-stop, serverless. */
    settings: WarehouseSettings;
    /**
     * What makes the storage reachable (private endpoints, the NCC or perimeter): the warehouse is
     * created after them, so the DDL run on it during the first `pulumi up` is not refused.
     */
    dataPaths: pulumi.Resource[];
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The stack's SQL warehouse. It is its own component because three others use it and it depends
 * on none of them: the catalog runs the metadata table's DDL on it (otherwise the provider starts a
 * cluster of its own for that), the full-run job's gold-views task and the app query it. Its ACL is
 * `WarehouseAccess`, built once the app (a user of it too) exists.
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
            { ...inWorkspace, dependsOn: args.dataPaths },
        );
        this.warehouseId = warehouse.id;
        this.registerOutputs({ warehouseId: this.warehouseId });
    }
}

export interface WarehouseAccessArgs {
    /** The warehouse (`SqlWarehouse.warehouseId`). */
    warehouseId: pulumi.Input<string>;
    /** Application id of the pipeline service principal: CAN_USE, for the job's SQL task. */
    pipelineApplicationId: pulumi.Input<string>;
    /** The app's service principal, when the stack has the app: CAN_USE, as its resources block granted. */
    appServicePrincipal?: pulumi.Input<string>;
    /** `pipelines.permissions`: run roles get CAN_USE, view roles CAN_VIEW. */
    permissions: { run: readonly string[]; view: readonly string[] };
    /** Declared roles → principals. */
    principals: Record<string, AclPrincipal>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The warehouse's ACL: CAN_USE for the pipeline principal, the app and the run roles, CAN_VIEW for
 * the view roles. It is authoritative, so it names the app's service principal too: otherwise its
 * next update would revoke the CAN_USE the app's resources block granted.
 */
export class WarehouseAccess extends pulumi.ComponentResource {
    constructor(name: string, args: WarehouseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:warehouse:WarehouseAccess", name, {}, opts);
        const platform = [servicePrincipalAccess(args.pipelineApplicationId, "CAN_USE")];
        if (args.appServicePrincipal !== undefined) platform.push(servicePrincipalAccess(args.appServicePrincipal, "CAN_USE"));
        new databricks.Permissions(
            "warehouse-permissions",
            { sqlEndpointId: args.warehouseId, accessControls: accessList("warehouse", args.permissions, args.principals, platform) },
            { parent: this, provider: args.provider },
        );
        this.registerOutputs({});
    }
}
