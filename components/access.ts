/**
 * Workspace access control entries (databricks.Permissions), one helper for every component:
 * groups by display name, service principals by application id, users by e-mail. Pure.
 */
import type * as databricks from "@pulumi/databricks";
import type * as pulumi from "@pulumi/pulumi";
import type { PrincipalKind } from "./settings/principals";

export type AccessControl = databricks.types.input.PermissionsAccessControl;

/** A principal an ACL can name (a declared one, or a platform service principal known later). */
export interface AclPrincipal {
    kind: PrincipalKind;
    /** Group display name, service principal application id, or user e-mail. */
    name: pulumi.Input<string>;
}

/** One ACL entry for `principal` at `permissionLevel`. */
export function accessControl(principal: AclPrincipal, permissionLevel: string): AccessControl {
    switch (principal.kind) {
        case "group":
            return { groupName: principal.name, permissionLevel };
        case "servicePrincipal":
            return { servicePrincipalName: principal.name, permissionLevel };
        case "user":
            return { userName: principal.name, permissionLevel };
    }
}

/**
 * ACL entries for `roles` at one level. Config validation makes an unknown role impossible; the
 * throw guards the wiring.
 */
export function roleAccessControls(roles: readonly string[], principals: Record<string, AclPrincipal>, permissionLevel: string): AccessControl[] {
    return roles.map((role) => {
        const principal = principals[role];
        if (principal === undefined) throw new Error(`role ${role} is not declared in lakehouse:principals (known: ${Object.keys(principals).join(", ")})`);
        return accessControl(principal, permissionLevel);
    });
}
