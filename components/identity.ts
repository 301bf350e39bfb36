import * as azuread from "@pulumi/azuread";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import { BUILTIN_ROLES, azureRoleAssignment } from "./rbac";
import { RotationWindow } from "./settings/platform";

/** Key of the client secret in the platform secret scope. */
export const CLIENT_SECRET_KEY = "pipeline-client-secret";
/** Key of the client (application) id in the platform secret scope. */
export const CLIENT_ID_KEY = "pipeline-client-id";

export interface PlatformIdentityArgs {
    /** Display name of the Entra application, its service principal and the Databricks service principal. */
    displayName: string;
    /** Storage account the identity gets Storage Blob Data Contributor on (never a wider scope). */
    storageAccountId: pulumi.Input<string>;
    /** Name of the Databricks secret scope holding the client secret. */
    secretScopeName: string;
    /** Rotation window: the password is replaced when the window starts over. */
    rotation: RotationWindow;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
}

/**
 * The platform's pipeline identity: an Entra application and service principal with a password
 * that rotates on schedule, Storage Blob Data Contributor on the lakehouse account (the
 * KardiaFlow pattern), the matching Databricks service principal, and a secret scope holding the
 * client secret with READ for that principal only.
 */
export class PlatformIdentity extends pulumi.ComponentResource {
    /**
     * Application (client) id: how Databricks and Unity Catalog grants name this principal. Taken
     * from the workspace's service principal, so everything that names it waits until it exists there.
     */
    readonly applicationId: pulumi.Output<string>;
    /** Object id of the Entra service principal. */
    readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** The client secret (a Pulumi secret). */
    readonly clientSecret: pulumi.Output<string>;
    /** Name of the secret scope with the client id and secret. */
    readonly secretScope: pulumi.Output<string>;
    /** The Databricks service principal's id in the workspace. */
    readonly databricksServicePrincipalId: pulumi.Output<string>;

    constructor(name: string, args: PlatformIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:identity:PlatformIdentity", name, {}, opts);
        const parent = { parent: this };
        const inWorkspace = { parent: this, provider: args.provider };

        const application = new azuread.Application(
            "application",
            { displayName: args.displayName, signInAudience: "AzureADMyOrg", preventDuplicateNames: true },
            parent,
        );
        const principal = new azuread.ServicePrincipal(
            "service-principal",
            { clientId: application.clientId, appRoleAssignmentRequired: false },
            parent,
        );
        // Both fields change only when a new window starts, so runs inside a window never drift.
        const password = new azuread.ApplicationPassword(
            "client-secret",
            {
                applicationId: application.id,
                displayName: `rotated ${args.rotation.windowStart.slice(0, 10)}`,
                endDate: args.rotation.endDate,
                rotateWhenChanged: { window: args.rotation.windowStart },
            },
            { parent: this, additionalSecretOutputs: ["value"] },
        );

        azureRoleAssignment(this, "blob-contributor", {
            scope: args.storageAccountId,
            principalId: principal.objectId,
            role: BUILTIN_ROLES.storageBlobDataContributor,
        });

        const workspacePrincipal = new databricks.ServicePrincipal(
            "databricks-service-principal",
            {
                applicationId: application.clientId,
                displayName: args.displayName,
                allowClusterCreate: false,
                allowInstancePoolCreate: false,
                databricksSqlAccess: true,
                workspaceAccess: true,
            },
            inWorkspace,
        );

        // Secrets and ACLs are replaced under the same scope and key or principal (a rotated password
        // replaces its Secret): delete first, or the old one's delete removes the new value
        // (pulumi-databricks #642). Not the scope: deleting it first would drop every secret in it.
        const sameIdentity = { ...inWorkspace, deleteBeforeReplace: true };
        // No initialManagePrincipal: it only accepts "users", which would give everyone MANAGE.
        const scope = new databricks.SecretScope("secret-scope", { name: args.secretScopeName }, inWorkspace);
        const clientSecret = pulumi.secret(password.value);
        new databricks.Secret("client-secret-value", { scope: scope.name, key: CLIENT_SECRET_KEY, stringValue: clientSecret }, sameIdentity);
        new databricks.Secret("client-id-value", { scope: scope.name, key: CLIENT_ID_KEY, stringValue: application.clientId }, sameIdentity);
        new databricks.SecretAcl(
            "secret-scope-read",
            { scope: scope.name, principal: workspacePrincipal.applicationId, permission: "READ" },
            sameIdentity,
        );

        this.applicationId = workspacePrincipal.applicationId;
        this.servicePrincipalObjectId = principal.objectId;
        this.clientSecret = clientSecret;
        this.secretScope = scope.name;
        this.databricksServicePrincipalId = workspacePrincipal.id;
        this.registerOutputs({ applicationId: this.applicationId, secretScope: this.secretScope });
    }
}
