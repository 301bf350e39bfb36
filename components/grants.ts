import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { CatalogSecurable } from "./catalog";
import { GRANTS_ARGUMENT, grantResourceName, renderGrants } from "./grant-matrix";
import { GrantMatrix } from "./settings/grants";

export interface CatalogGrantsArgs {
    /** The resolved `lakehouse:grants` matrix: role → securable → privileges. */
    matrix: GrantMatrix;
    /** The securables to grant on (`UnityCatalog.securables`): grants wait until each exists. */
    securables: readonly CatalogSecurable[];
    /**
     * Role → the principal Unity Catalog grants name: the pipeline's application id, the app's
     * service principal client id, a group name, an application id or an e-mail. A role of the
     * matrix left undefined here is reported in `pendingRoles` and granted nothing yet.
     */
    principals: Record<string, pulumi.Input<string> | undefined>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The grants matrix rendered into one authoritative `databricks.Grants` per securable: the
 * principals and privileges listed are exactly those Unity Catalog keeps, so a grant added by hand
 * is revoked on the next `pulumi up`. Built last, once every principal (including the app's
 * service principal) exists.
 */
export class CatalogGrants extends pulumi.ComponentResource {
    /** Logical names of the grant resources created, one per securable that anyone holds anything on. */
    readonly grantResources: string[];
    /** Roles of the matrix that have no principal yet, so hold nothing. */
    readonly pendingRoles: string[];

    constructor(name: string, args: CatalogGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:grants:CatalogGrants", name, {}, opts);
        const pending = Object.keys(args.matrix)
            .filter((role) => args.principals[role] === undefined)
            .sort();
        const granted: GrantMatrix = {};
        for (const [role, grants] of Object.entries(args.matrix)) {
            if (args.principals[role] !== undefined) granted[role] = grants;
        }

        const resources: string[] = [];
        for (const { securable, grants } of renderGrants(granted, args.securables)) {
            if (grants.length === 0) continue;
            const resourceName = grantResourceName(securable.kind, securable.key);
            // Two roles may name the same principal: Unity Catalog keeps one entry per principal.
            const entries = pulumi
                .all(grants.map((g) => pulumi.output(args.principals[g.role] as pulumi.Input<string>)))
                .apply((principals) => {
                    const merged = new Map<string, Set<string>>();
                    principals.forEach((principal, i) => {
                        if (typeof principal !== "string" || principal === "") {
                            throw new Error(`CatalogGrants: the principal of role ${grants[i].role} on ${resourceName} resolved to ${JSON.stringify(principal)}`);
                        }
                        const set = merged.get(principal) ?? new Set<string>();
                        for (const p of grants[i].privileges) set.add(p);
                        merged.set(principal, set);
                    });
                    return [...merged.entries()]
                        .sort(([a], [b]) => a.localeCompare(b))
                        .map(([principal, set]) => ({ principal, privileges: [...set].sort() }));
                });
            new databricks.Grants(
                resourceName,
                { [GRANTS_ARGUMENT[securable.kind]]: securable.name, grants: entries },
                { parent: this, provider: args.provider },
            );
            resources.push(resourceName);
        }

        if (pending.length > 0) {
            pulumi.log.info(`lakehouse:grants: no principal yet for ${pending.join(", ")} (not in this stack yet); their grants are applied once it exists`, this);
        }
        this.grantResources = resources;
        this.pendingRoles = pending;
        this.registerOutputs({ grantResources: resources, pendingRoles: pending });
    }
}
