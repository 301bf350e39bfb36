import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { AclPrincipal } from "./access";
import { DeclaredPrincipal } from "./settings/principals";

export interface PrincipalDirectoryArgs {
    /** Declared roles → principals (`lakehouse:principals`). */
    principals: Record<string, DeclaredPrincipal>;
    /** Roles that workspace access control lists name: assigned to the workspace first. */
    aclRoles: readonly string[];
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
    /** The account-level provider: when given, every declared principal is looked up in the account during preview. */
    accountProvider?: databricks.Provider;
}

/**
 * The principals grants and permissions name, made usable before anything names them. Unity Catalog
 * grants only account-level principals (a workspace-local group "cannot be granted access to data"),
 * and a workspace ACL only names principals assigned to the workspace. So every role that a
 * workspace ACL names is assigned to the workspace (identity federation) — which fails in
 * `pulumi up` for a principal the account does not have — and, with the account-level provider,
 * every declared principal is looked up in the account already during `pulumi preview`, failing
 * with the role and what to do instead of Unity Catalog's "Could not find principal".
 */
export class PrincipalDirectory extends pulumi.ComponentResource {
    /** Role → principal for workspace ACLs: names resolve once the principal is assigned to the workspace. */
    readonly aclPrincipals: Record<string, AclPrincipal>;

    constructor(name: string, args: PrincipalDirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:principals:PrincipalDirectory", name, {}, opts);
        if (args.accountProvider) {
            for (const [role, principal] of Object.entries(args.principals)) this.checkInAccount(role, principal, args.accountProvider);
        }
        this.aclPrincipals = {};
        for (const [role, principal] of Object.entries(args.principals)) {
            if (!args.aclRoles.includes(role)) {
                this.aclPrincipals[role] = principal;
                continue;
            }
            const by = principal.kind === "group" ? { groupName: principal.name } : principal.kind === "user" ? { userName: principal.name } : { servicePrincipalName: principal.name };
            // No update exists: a changed assignment is replaced, and it must be removed before it is
            // given again (the other way round, the removal would take away the new one).
            const assignment = new databricks.PermissionAssignment(`workspace-${role}`, { ...by, permissions: ["USER"] }, { parent: this, provider: args.provider, deleteBeforeReplace: true });
            // The name, known once the assignment exists: every ACL entry for the role waits for it.
            this.aclPrincipals[role] = { kind: principal.kind, name: assignment.id.apply(() => principal.name) };
        }
        this.registerOutputs({});
    }

    private checkInAccount(role: string, principal: DeclaredPrincipal, provider: databricks.Provider): void {
        const opts = { parent: this, provider };
        const lookup: Promise<unknown> =
            principal.kind === "group"
                ? databricks.getGroup({ displayName: principal.name }, opts)
                : principal.kind === "user"
                  ? databricks.getUser({ userName: principal.name }, opts)
                  : databricks.getServicePrincipal({ applicationId: principal.name }, opts);
        const what = principal.kind === "group" ? "group" : principal.kind === "user" ? "user" : "service principal";
        void pulumi.output(
            lookup.catch((err: Error) => {
                throw new Error(
                    `lakehouse:principals.${role}: ${what} ${principal.name} is not in the Databricks account (${err.message}). Unity Catalog grants and workspace permissions need account-level principals (a workspace-local group is not enough): create or sync it in the account console (SCIM from Entra ID), and spell its name exactly, case included.`,
                );
            }),
        );
    }
}
