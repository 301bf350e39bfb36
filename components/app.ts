import * as command from "@pulumi/command";
import * as databricks from "@pulumi/databricks";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AccessControl, accessControl, AclPrincipal } from "./access";
import { APP_RESOURCE_NAMES, FORM_SIGNING_KEY, MANIFEST, SourceFile, fileResourceName, readAppSource, renderSource, sourceHash } from "./app-source";
import { AppSettings } from "./settings/app";

export interface DataAppArgs {
    /** The resolved `lakehouse:app` settings (name, size, endpoint key, table, permissions, paths). */
    settings: AppSettings;
    /** Declared roles → principals, to turn `settings.permissions` into access controls. */
    principals: Record<string, AclPrincipal>;
    /** Catalog the app reads (the Unity Catalog component's `catalogName`). */
    catalogName: pulumi.Input<string>;
    /** The gold layer's schema (the Unity Catalog component's `schemaNames.gold`). */
    schemaName: pulumi.Input<string>;
    /** SQL warehouse the app queries through (`SqlWarehouse.warehouseId`); the app gets CAN_USE. */
    warehouseId: pulumi.Input<string>;
    /** Serving endpoint the app scores against (`endpointNames[settings.endpointKey]`); the app gets CAN_QUERY. */
    endpointName: pulumi.Input<string>;
    /** `https://<workspace host>`: where the Databricks CLI deploys the app's source. */
    workspaceUrl: pulumi.Input<string>;
    /** The workspace's Databricks provider. */
    provider: databricks.Provider;
    /** The source to upload (default: `workloads/app`, read at plan time). */
    source?: SourceFile[];
}

/**
 * The stack's Databricks App (the slide-generator runbook as a component): the source of
 * `workloads/app` uploaded to a per-stack workspace folder named by its content hash, the app
 * deployed from that folder by the Databricks CLI, its resources — the SQL warehouse (CAN_USE), the
 * A/B serving endpoint (CAN_QUERY) and its own secret (READ) — and who may use or manage it.
 *
 * Deploys: the provider creates and updates the app but does not deploy code ("handled
 * separately", its docs say), and this SDK has no deployment resource. So a `deploy` step runs
 * `databricks apps deploy <app> --source-code-path <folder>` through the Databricks CLI whenever the
 * content hash changes (a changed byte of source or of the rendered `app.yaml`). The app itself is
 * never replaced: same name, URL and service principal; size, description and resources update in
 * place. The app holds no data; its Unity Catalog privileges come only from the grants matrix
 * (`app` role, given `servicePrincipalClientId`).
 */
export class DataApp extends pulumi.ComponentResource {
    /** The app's URL. */
    readonly url: pulumi.Output<string>;
    /** Application id of the app's service principal: the principal of the `app` role in grants. */
    readonly servicePrincipalClientId: pulumi.Output<string>;
    /** The app's name. */
    readonly name: pulumi.Output<string>;
    /** Workspace folder the current source was uploaded to (`/Workspace/...`, ends with the content hash). */
    readonly sourceCodePath: pulumi.Output<string>;
    /** Content hash of the uploaded source; a new value redeploys the app. */
    readonly sourceHash: pulumi.Output<string>;

    constructor(name: string, args: DataAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("lakehouse:app:DataApp", name, {}, opts);
        const { settings } = args;
        const inWorkspace = { parent: this, provider: args.provider };

        // The app's own secret, in its own scope: READ on a scope covers every key in it, so the
        // app never gets a resource on the platform scope (that holds the pipeline's password).
        const signingKey = new random.RandomPassword("form-signing-key", { length: 48, special: false }, { parent: this, additionalSecretOutputs: ["result"] });
        // Replaced under the same scope and key: delete first (see PlatformIdentity).
        const sameIdentity = { ...inWorkspace, deleteBeforeReplace: true };
        const scope = new databricks.SecretScope("secret-scope", { name: settings.secretScope }, inWorkspace);
        const secret = new databricks.Secret(
            "form-signing-key",
            { scope: scope.name, key: FORM_SIGNING_KEY, stringValue: pulumi.secret(signingKey.result) },
            sameIdentity,
        );

        // The upload: every file at <root>/<hash>/<path>, the manifest rendered for this stack.
        const source = args.source ?? readAppSource();
        if (!source.some((f) => f.path === MANIFEST)) throw new Error(`the app source has no ${MANIFEST}`);
        const files = pulumi
            .all([args.catalogName, args.schemaName])
            .apply(([catalog, schema]) => renderSource(source, { catalog, schema, table: settings.table }));
        const hash = files.apply(sourceHash);
        const folder = hash.apply((h) => `${settings.sourceRoot}/${h}`);
        const root = new databricks.Directory("source-root", { path: settings.sourceRoot, deleteRecursive: true }, inWorkspace);
        const uploads = source.map(
            ({ path: relative }) =>
                new databricks.WorkspaceFile(
                    fileResourceName(relative),
                    {
                        path: pulumi.interpolate`${folder}/${relative}`,
                        contentBase64: files.apply((all) => (all.find((f) => f.path === relative) as SourceFile).content.toString("base64")),
                    },
                    { ...inWorkspace, dependsOn: [root] },
                ),
        );

        const sourceCodePath = pulumi.interpolate`/Workspace${folder}`;
        // No sourceCodePath here: the service never returns it (every preview would show a diff) and
        // refuses it on update; the deploy below sets it, and `defaultSourceCodePath` reads it back.
        const app = new databricks.App(
            "app",
            {
                name: settings.name,
                description: settings.description,
                computeSize: settings.computeSize,
                resources: [
                    { name: APP_RESOURCE_NAMES.warehouse, description: "SQL warehouse for the gold table", sqlWarehouse: { id: args.warehouseId, permission: "CAN_USE" } },
                    { name: APP_RESOURCE_NAMES.endpoint, description: "A/B serving endpoint that scores records", servingEndpoint: { name: args.endpointName, permission: "CAN_QUERY" } },
                    { name: APP_RESOURCE_NAMES.secret, description: "Key that signs the scoring form", secret: { scope: scope.name, key: secret.key, permission: "READ" } },
                ],
            },
            { ...inWorkspace, dependsOn: [...uploads, secret] },
        );

        // The app's service principal reads its source folder (and nothing else of the workspace).
        const sourceRead = new databricks.Permissions(
            "source-read",
            { directoryPath: root.path, accessControls: [{ servicePrincipalName: app.servicePrincipalClientId, permissionLevel: "CAN_READ" }] },
            inWorkspace,
        );

        // Deploy the uploaded folder, again whenever its hash changes (the CLI waits until it runs).
        new command.local.Command(
            "deploy",
            {
                create: pulumi.interpolate`databricks apps deploy ${app.name} --source-code-path ${sourceCodePath}`,
                environment: { DATABRICKS_HOST: args.workspaceUrl },
                triggers: [hash],
            },
            { parent: this, dependsOn: [app, ...uploads, sourceRead] },
        );

        const accessControls = appAccessControls(settings, args.principals);
        if (accessControls.length > 0) {
            new databricks.Permissions("permissions", { appName: app.name, accessControls }, inWorkspace);
        }

        this.url = app.url;
        this.servicePrincipalClientId = app.servicePrincipalClientId;
        this.name = app.name;
        this.sourceCodePath = sourceCodePath;
        this.sourceHash = hash;
        this.registerOutputs({ url: this.url, servicePrincipalClientId: this.servicePrincipalClientId, sourceHash: this.sourceHash });
    }
}

/** One access control per role: groups by name, service principals by application id, users by e-mail. */
export function appAccessControls(settings: AppSettings, principals: Record<string, AclPrincipal>): AccessControl[] {
    return Object.entries(settings.permissions)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([role, level]) => {
            const principal = principals[role];
            if (principal === undefined) throw new Error(`app permission for undeclared role ${role}`);
            return accessControl(principal, level);
        });
}
