import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal, roleAccessControls } from "./access";
import { QUERY_PERMISSION, aiGateway, deploymentNotice, endpointTags, invocationUrl, servedEntities, trafficRoutes } from "./serving-spec";
import { adoptOptions } from "./settings/adopt";
import { EndpointSettings } from "./settings/serving";

export interface ModelServingArgs {
    /**
     * The endpoints from `lakehouse:serving` (`config.serving.endpoints`). Enabled ones are created;
     * disabled ones are only announced (their models are not registered yet).
     */
    endpoints: readonly EndpointSettings[];
    /** Catalog that holds the served models and the inference tables. */
    catalogName: pulumi.Input<string>;
    /** The payload schema (`<schema>_payloads`, `catalog.payloadSchemaName`): inference tables land here, one prefix per endpoint. */
    payloadSchemaName: pulumi.Input<string>;
    /** Registered model name (as in config) → full UC name `<catalog>.<schema>.<model>`. */
    modelNames: Record<string, pulumi.Input<string>>;
    /** `https://<workspace host>`: the base of the invocation URLs. */
    workspaceUrl: pulumi.Input<string>;
    /** Tags for every endpoint (Databricks copies them to billing logs). */
    tags: Record<string, string>;
    /** What makes the storage reachable for serverless compute: endpoints load their models and write their payloads there. */
    dataPaths: pulumi.Resource[];
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
    /**
     * `lakehouse:adopt.servingEndpoints`: endpoint key → name of an existing endpoint to import instead
     * of create ("Endpoint already exists"), always protected.
     */
    adopt?: Record<string, string>;
}

/**
 * Model serving endpoints from config: the A/B endpoint (champion and challenger served entities,
 * UC models at pinned versions, traffic split by entity name) and the feedback endpoint, each with
 * the AI gateway (usage tracking, inference tables in the payload schema, rate limits). Who may query
 * them is `ServingAccess`, built once the app (a consumer too) exists.
 */
export class ModelServing extends pulumi.ComponentResource {
    /** Endpoint key → Databricks endpoint name, for every enabled endpoint. */
    readonly endpointNames: Record<string, pulumi.Output<string>>;
    /** Endpoint key → `https://<workspace>/serving-endpoints/<name>/invocations`. */
    readonly invocationUrls: Record<string, pulumi.Output<string>>;
    /** Endpoint key → serving endpoint id (what workspace ACLs reference). */
    readonly servingEndpointIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: ModelServingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:serving:ModelServing", name, {}, opts);
        const inWorkspace = { parent: this, provider: args.provider };
        const tags = endpointTags(args.tags);
        this.endpointNames = {};
        this.invocationUrls = {};
        this.servingEndpointIds = {};

        for (const endpoint of args.endpoints) {
            this.announce(endpoint, args.modelNames);
            if (!endpoint.enabled) continue;

            const served = new databricks.ModelServing(
                endpoint.key,
                {
                    name: endpoint.name,
                    config: {
                        servedEntities: servedEntities(endpoint, args.modelNames),
                        trafficConfig: { routes: trafficRoutes(endpoint) },
                    },
                    aiGateway: aiGateway(endpoint, args.catalogName, args.payloadSchemaName),
                    tags,
                },
                { ...inWorkspace, dependsOn: args.dataPaths, ...adoptOptions(args.adopt?.[endpoint.key]) },
            );

            this.endpointNames[endpoint.key] = served.name;
            this.invocationUrls[endpoint.key] = pulumi.all([args.workspaceUrl, served.name]).apply(([url, n]) => invocationUrl(url, n));
            this.servingEndpointIds[endpoint.key] = served.servingEndpointId;
        }
        this.registerOutputs({ endpointNames: this.endpointNames, invocationUrls: this.invocationUrls });
    }

    /** Says which model versions an endpoint expects (or what enabling it needs), once the full names are known. */
    private announce(endpoint: EndpointSettings, modelNames: Record<string, pulumi.Input<string>>): void {
        const models = [...new Set(endpoint.entities.map((e) => e.model))];
        pulumi.all(models.map((m) => modelNames[m] ?? m)).apply((full) => {
            const names: Record<string, string> = {};
            models.forEach((m, i) => (names[m] = full[i]));
            void pulumi.log.info(deploymentNotice(endpoint, names), this);
        });
    }
}

export interface ServingAccessArgs {
    /** The endpoints from `lakehouse:serving`; each enabled one with consumers gets an ACL. */
    endpoints: readonly EndpointSettings[];
    /** Endpoint key → serving endpoint id (`ModelServing.servingEndpointIds`). */
    endpointIds: Record<string, pulumi.Input<string>>;
    /**
     * Endpoint key → extra consumer roles beyond its configured `consumers`: the app's role on the
     * endpoint it scores against, so the authoritative ACL keeps the app's CAN_QUERY.
     */
    extraConsumers: Record<string, string[]>;
    /** Role → principal for every role a consumer list may name (declared roles, pipeline, app). */
    principals: Record<string, AclPrincipal>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * CAN_QUERY on each endpoint for its consumer roles only — never CAN_MANAGE or CAN_VIEW. The ACL is
 * authoritative, so it also names the app's service principal on the app's endpoint: otherwise the
 * next update of the ACL would revoke the CAN_QUERY the app's resources block granted.
 */
export class ServingAccess extends pulumi.ComponentResource {
    constructor(name: string, args: ServingAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:serving:ServingAccess", name, {}, opts);
        for (const endpoint of args.endpoints) {
            const endpointId = args.endpointIds[endpoint.key];
            const roles = [...new Set([...endpoint.consumers, ...(args.extraConsumers[endpoint.key] ?? [])])];
            if (!endpoint.enabled || endpointId === undefined || roles.length === 0) continue;
            new databricks.Permissions(
                `${endpoint.key}-query`,
                { servingEndpointId: endpointId, accessControls: roleAccessControls(roles, args.principals, QUERY_PERMISSION) },
                { parent: this, provider: args.provider },
            );
        }
        this.registerOutputs({});
    }
}
