/**
 * The offline plan's Azure resources as an ARM deployment template, for independent scanners
 * (Checkov's `arm` framework reads it; `npm run scan`, tools/scan.ts). Pure: the plan's resources
 * in, a template out.
 *
 *   armTemplate(document.resources)   → the template object
 *   renderArm(document.resources)     → its JSON text (what `npm run plan -- --format arm` prints)
 *
 * What it does per `azure-native:<module>:<Type>` resource (see TYPES below):
 *   - the ARM type and name: child resources get the parent's name segments
 *     (`Microsoft.Storage/storageAccounts/blobServices/containers`, `account/default/container`);
 *     extension resources (role assignments, diagnostic settings, budgets) get `scope`.
 *   - `apiVersion`: the REST API version the installed SDK uses, read from the SDK's own file
 *     (`node_modules/@pulumi/azure-native/<module>/<type>.js` says "Uses Azure REST API version …").
 *   - `location`, `tags`, `sku`, `kind`, `identity`, `zones`, `extendedLocation`, `plan` at the top;
 *     everything else under `properties`, with the names ARM uses where azure-native renamed a field
 *     (`x-ms-client-name`: storage `enableHttpsTrafficOnly` is ARM `supportsHttpsTrafficOnly`,
 *     `networkRuleSet` is `networkAcls`, `ipRules[].iPAddressOrRange` is `value`, …) and with the
 *     `properties` level azure-native flattens away restored inside sub-resources (a VNet's subnets,
 *     an NSG's rules, a private endpoint's connections, a subnet's delegations, …).
 *   - `dependsOn` from the plan's dependencies where both ends are in the template.
 *   - resource ids of the deployment's subscription become ARM expressions (`[resourceId(…)]`,
 *     `[subscriptionResourceId(…)]`, `[resourceGroup().id]`); values the plan does not know yet
 *     (`[unknown]`) and secrets (`[secret]`, never in clear) become template parameters without a
 *     default, so the template stays loadable and nothing is invented.
 *
 * The resource group the program creates is the deployment's scope (`az deployment group create
 * -g <it>`), recorded under `metadata.deploymentScope`; resources that are not Azure resources
 * (Databricks, Entra ID, random, command, components, providers) are listed under
 * `metadata.notExported`. An `azure-native` type this module does not know is an error that names
 * the type: nothing is dropped silently.
 *
 * The azure-native provider's own metadata (ARM paths, flattening, renames) is generated into the
 * provider binary and ships neither in the npm package nor in the repository, so the per-type
 * mapping below is written out by hand from the Azure REST specs (cross-checked against the wire
 * names of the Azure SDK for Python's models and azure-native's reports/tokenPaths.json).
 */
import * as fs from "fs";
import * as path from "path";

/** What the exporter reads of a planned resource (the plan document's resources fit). */
export interface ArmSourceResource {
    urn: string;
    type: string;
    name: string;
    parent?: string;
    provider?: string;
    inputs: Record<string, unknown>;
    dependencies?: string[];
    protect?: boolean;
}

export interface ArmResource {
    type: string;
    apiVersion: string;
    name: string;
    scope?: string;
    location?: unknown;
    tags?: unknown;
    sku?: unknown;
    kind?: unknown;
    identity?: unknown;
    zones?: unknown;
    extendedLocation?: unknown;
    plan?: unknown;
    properties?: Record<string, unknown>;
    dependsOn?: string[];
    /** The Pulumi URN the resource comes from (ARM allows `comments` on every resource). */
    comments: string;
}

export interface ArmParameter {
    type: "string" | "securestring";
    metadata: { description: string };
}

export interface ArmTemplate {
    $schema: string;
    contentVersion: string;
    metadata: {
        generator: string;
        deploymentScope?: { resourceGroup: unknown; location: unknown; tags: unknown; urn: string; note: string };
        notExported: { type: string; count: number; names: string[] }[];
    };
    parameters: Record<string, ArmParameter>;
    resources: ArmResource[];
}

export interface ArmOptions {
    /** The deployment's subscription; inferred from ids in the deployment resource group when absent. */
    subscriptionId?: string;
    /** The deployment's tenant: literal occurrences become `[subscription().tenantId]`. */
    tenantId?: string;
    /** Where `@pulumi/azure-native` is installed (default: resolved from this module). */
    sdkDir?: string;
}

export const DEPLOYMENT_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/** How one azure-native resource type becomes an ARM resource. */
interface TypeSpec {
    /** The ARM resource type. */
    arm: string;
    /** The inputs that name the resource, outermost first (`=literal` for a fixed segment). */
    name: string[];
    /** The input holding the scope of an extension resource (its path's `{scope}` / `{resourceUri}`). */
    scope?: string;
    /** Other inputs that only address the resource (path parameters) or that ARM templates do not take. */
    drop?: string[];
    /** Top-level inputs (default TOP_LEVEL); all others go under `properties`. */
    top?: readonly string[];
    /** The SDK takes ARM's `properties` object as one input of that name (Key Vault). */
    propertiesInput?: string;
    /** SDK path (dots, `[]` for array items, `properties` level left out) → the ARM name of the last segment. */
    renames?: Record<string, string>;
    /** SDK paths whose value (or each item, for `[]`) is a sub-resource: `name`/`id` stay, the rest moves under `properties`. */
    subResources?: string[];
}

const TOP_LEVEL = ["location", "tags", "sku", "kind", "identity", "zones", "extendedLocation", "plan"] as const;

/** Sub-resources of a subnet, wherever a subnet appears (standalone or inside a VNet). */
const SUBNET_CHILDREN = ["delegations[]", "networkSecurityGroup", "routeTable", "natGateway", "serviceEndpointPolicies[]", "ipAllocations[]", "applicationGatewayIPConfigurations[]"];

/** The azure-native types the exporter knows: every type the program registers, and the network/audit types of SRA.md section 2. */
export const TYPES: Readonly<Record<string, TypeSpec>> = {
    "azure-native:storage:StorageAccount": {
        arm: "Microsoft.Storage/storageAccounts",
        name: ["accountName"],
        renames: {
            enableHttpsTrafficOnly: "supportsHttpsTrafficOnly",
            networkRuleSet: "networkAcls",
            "networkRuleSet.ipRules[].iPAddressOrRange": "value",
            "networkRuleSet.virtualNetworkRules[].virtualNetworkResourceId": "id",
            "encryption.keyVaultProperties": "keyvaultproperties",
            "encryption.keyVaultProperties.keyName": "keyname",
            "encryption.keyVaultProperties.keyVersion": "keyversion",
            "encryption.keyVaultProperties.keyVaultUri": "keyvaulturi",
            "encryption.encryptionIdentity": "identity",
            "encryption.encryptionIdentity.encryptionUserAssignedIdentity": "userAssignedIdentity",
            "encryption.encryptionIdentity.encryptionFederatedIdentityClientId": "federatedIdentityClientId",
            enableNfsV3: "isNfsV3Enabled",
        },
    },
    "azure-native:storage:BlobServiceProperties": {
        arm: "Microsoft.Storage/storageAccounts/blobServices",
        name: ["accountName", "blobServicesName"],
    },
    "azure-native:storage:BlobContainer": {
        arm: "Microsoft.Storage/storageAccounts/blobServices/containers",
        name: ["accountName", "=default", "containerName"],
    },
    "azure-native:storage:ManagementPolicy": {
        arm: "Microsoft.Storage/storageAccounts/managementPolicies",
        name: ["accountName", "managementPolicyName"],
    },
    "azure-native:storage:PrivateEndpointConnection": {
        arm: "Microsoft.Storage/storageAccounts/privateEndpointConnections",
        name: ["accountName", "privateEndpointConnectionName"],
    },
    "azure-native:databricks:Workspace": {
        arm: "Microsoft.Databricks/workspaces",
        name: ["workspaceName"],
        renames: {
            // The DBFS root key (parameters.encryption.value): ARM spells these KeyName, keyversion, keyvaulturi.
            "parameters.encryption.value.keyName": "KeyName",
            "parameters.encryption.value.keyVersion": "keyversion",
            "parameters.encryption.value.keyVaultUri": "keyvaulturi",
        },
    },
    "azure-native:databricks:AccessConnector": {
        arm: "Microsoft.Databricks/accessConnectors",
        name: ["connectorName"],
    },
    "azure-native:databricks:PrivateEndpointConnection": {
        arm: "Microsoft.Databricks/workspaces/privateEndpointConnections",
        name: ["workspaceName", "privateEndpointConnectionName"],
    },
    "azure-native:authorization:RoleAssignment": {
        arm: "Microsoft.Authorization/roleAssignments",
        name: ["roleAssignmentName"],
        scope: "scope",
    },
    "azure-native:network:VirtualNetwork": {
        arm: "Microsoft.Network/virtualNetworks",
        name: ["virtualNetworkName"],
        drop: ["id"],
        subResources: ["subnets[]", ...SUBNET_CHILDREN.map((p) => `subnets[].${p}`), "virtualNetworkPeerings[]", "virtualNetworkPeerings[].remoteVirtualNetwork", "ddosProtectionPlan"],
    },
    "azure-native:network:Subnet": {
        arm: "Microsoft.Network/virtualNetworks/subnets",
        name: ["virtualNetworkName", "subnetName"],
        drop: ["id", "name", "type"],
        subResources: SUBNET_CHILDREN,
    },
    "azure-native:network:NetworkSecurityGroup": {
        arm: "Microsoft.Network/networkSecurityGroups",
        name: ["networkSecurityGroupName"],
        drop: ["id"],
        subResources: ["securityRules[]", "securityRules[].sourceApplicationSecurityGroups[]", "securityRules[].destinationApplicationSecurityGroups[]"],
    },
    "azure-native:network:SecurityRule": {
        arm: "Microsoft.Network/networkSecurityGroups/securityRules",
        name: ["networkSecurityGroupName", "securityRuleName"],
        drop: ["id", "name", "type"],
        subResources: ["sourceApplicationSecurityGroups[]", "destinationApplicationSecurityGroups[]"],
    },
    "azure-native:network:RouteTable": {
        arm: "Microsoft.Network/routeTables",
        name: ["routeTableName"],
        drop: ["id"],
        subResources: ["routes[]"],
    },
    "azure-native:network:PrivateEndpoint": {
        arm: "Microsoft.Network/privateEndpoints",
        name: ["privateEndpointName"],
        drop: ["id"],
        subResources: ["subnet", "privateLinkServiceConnections[]", "manualPrivateLinkServiceConnections[]", "ipConfigurations[]", "applicationSecurityGroups[]"],
    },
    "azure-native:network:PrivateDnsZoneGroup": {
        arm: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        name: ["privateEndpointName", "privateDnsZoneGroupName"],
        drop: ["id", "name"],
        subResources: ["privateDnsZoneConfigs[]"],
    },
    "azure-native:network:NatGateway": {
        arm: "Microsoft.Network/natGateways",
        name: ["natGatewayName"],
        drop: ["id"],
    },
    "azure-native:network:PublicIPAddress": {
        arm: "Microsoft.Network/publicIPAddresses",
        name: ["publicIpAddressName"],
        drop: ["id"],
    },
    "azure-native:network:NetworkSecurityPerimeter": {
        arm: "Microsoft.Network/networkSecurityPerimeters",
        name: ["networkSecurityPerimeterName"],
        drop: ["id"],
    },
    "azure-native:network:NetworkSecurityPerimeterProfile": {
        arm: "Microsoft.Network/networkSecurityPerimeters/profiles",
        name: ["networkSecurityPerimeterName", "profileName"],
        drop: ["id"],
    },
    "azure-native:network:NetworkSecurityPerimeterAccessRule": {
        arm: "Microsoft.Network/networkSecurityPerimeters/profiles/accessRules",
        name: ["networkSecurityPerimeterName", "profileName", "accessRuleName"],
        drop: ["id"],
    },
    "azure-native:network:NetworkSecurityPerimeterAssociation": {
        arm: "Microsoft.Network/networkSecurityPerimeters/resourceAssociations",
        name: ["networkSecurityPerimeterName", "associationName"],
        drop: ["id"],
        subResources: ["privateLinkResource", "profile"],
    },
    "azure-native:privatedns:PrivateZone": {
        arm: "Microsoft.Network/privateDnsZones",
        name: ["privateZoneName"],
    },
    "azure-native:privatedns:VirtualNetworkLink": {
        arm: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        name: ["privateZoneName", "virtualNetworkLinkName"],
    },
    "azure-native:monitor:DiagnosticSetting": {
        arm: "Microsoft.Insights/diagnosticSettings",
        name: ["name"],
        scope: "resourceUri",
    },
    "azure-native:operationalinsights:Workspace": {
        arm: "Microsoft.OperationalInsights/workspaces",
        name: ["workspaceName"],
        // A Log Analytics workspace's SKU is a property (properties.sku), not the resource's sku.
        top: TOP_LEVEL.filter((k) => k !== "sku"),
    },
    "azure-native:keyvault:Vault": {
        arm: "Microsoft.KeyVault/vaults",
        name: ["vaultName"],
        propertiesInput: "properties",
    },
    "azure-native:keyvault:Key": {
        arm: "Microsoft.KeyVault/vaults/keys",
        name: ["vaultName", "keyName"],
        propertiesInput: "properties",
        renames: { "attributes.expires": "exp", "attributes.notBefore": "nbf" },
    },
    "azure-native:monitor:ActionGroup": {
        arm: "Microsoft.Insights/actionGroups",
        name: ["actionGroupName"],
    },
    "azure-native:consumption:Budget": {
        arm: "Microsoft.Consumption/budgets",
        name: ["budgetName"],
        scope: "scope",
        drop: ["eTag"],
    },
};

const RESOURCE_GROUP_TYPE = "azure-native:resources:ResourceGroup";
const UNKNOWN = "[unknown]";
const SECRET = "[secret]";

/** The REST API version the installed SDK uses for a type, read from the SDK's file for it. */
export function sdkApiVersion(pulumiType: string, sdkDir = defaultSdkDir()): string {
    const key = `${sdkDir}|${pulumiType}`;
    const cached = apiVersionCache.get(key);
    if (cached) return cached;
    const m = /^azure-native:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(pulumiType);
    if (!m) throw new Error(`${pulumiType}: not an azure-native resource type of the form azure-native:<module>:<Type>`);
    const file = path.join(sdkDir, m[1], `${m[2][0].toLowerCase()}${m[2].slice(1)}.js`);
    let source: string;
    try {
        source = fs.readFileSync(file, "utf8");
    } catch {
        throw new Error(`${pulumiType}: the installed @pulumi/azure-native has no ${path.relative(sdkDir, file)} to read its API version from`);
    }
    const version = /Uses Azure REST API version (\d{4}-\d{2}-\d{2}(?:-preview)?)/.exec(source)?.[1];
    if (!version) throw new Error(`${pulumiType}: ${file} does not say which Azure REST API version it uses`);
    apiVersionCache.set(key, version);
    return version;
}

const apiVersionCache = new Map<string, string>();

function defaultSdkDir(): string {
    return path.dirname(require.resolve("@pulumi/azure-native/package.json"));
}

/** `/subscriptions/S/resourceGroups/G/providers/NS/t1/n1/t2/n2` split into its parts (undefined for other strings). */
export interface ParsedId {
    subscription: string;
    resourceGroup?: string;
    /** `NS/t1/t2` */
    type?: string;
    /** `[n1, n2]` */
    names: string[];
}

export function parseResourceId(id: string): ParsedId | undefined {
    const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?(?:\/providers\/([^/]+)((?:\/[^/]+\/[^/]+)+))?\/?$/i.exec(id);
    if (!m) return undefined;
    const [, subscription, resourceGroup, namespace, rest] = m;
    if (!namespace) return { subscription, resourceGroup, names: [] };
    const parts = rest.split("/").filter(Boolean);
    // A nested `/providers/` (an extension resource's id) is not split here.
    if (parts.some((p) => p.toLowerCase() === "providers")) return undefined;
    const types: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
        types.push(parts[i]);
        names.push(parts[i + 1]);
    }
    return { subscription, resourceGroup, type: [namespace, ...types].join("/"), names };
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `[resourceId('Microsoft.Storage/storageAccounts/blobServices', 'acct', 'default')]` */
export function resourceIdExpression(type: string, name: string): string {
    return `[resourceId(${[type, ...name.split("/")].map(quote).join(", ")})]`;
}

interface Exported {
    source: ArmSourceResource;
    spec: TypeSpec;
    resource: ArmResource;
}

/** The ARM deployment template of the plan's Azure resources. Throws on an azure-native type it does not know. */
export function armTemplate(resources: readonly ArmSourceResource[], options: ArmOptions = {}): ArmTemplate {
    const sdkDir = options.sdkDir ?? defaultSdkDir();
    const groups = resources.filter((r) => r.type === RESOURCE_GROUP_TYPE);
    const azure = resources.filter((r) => r.type.startsWith("azure-native:") && r.type !== RESOURCE_GROUP_TYPE);
    const unknownTypes = [...new Set(azure.map((r) => r.type).filter((t) => !(t in TYPES)))];
    if (unknownTypes.length > 0) {
        throw new Error(`The ARM export does not know ${unknownTypes.join(", ")}: add ${unknownTypes.length === 1 ? "it" : "them"} to TYPES in tools/arm.ts (ARM type, name segments, property placement) rather than leave ${unknownTypes.length === 1 ? "it" : "them"} out of the template`);
    }

    // The deployment's resource group: the one the program creates, else the one most resources name.
    const rgNames = azure.map((r) => r.inputs.resourceGroupName).filter((n): n is string => typeof n === "string" && n !== UNKNOWN);
    const deploymentRg =
        (groups.length === 1 && typeof groups[0].inputs.resourceGroupName === "string" ? (groups[0].inputs.resourceGroupName as string) : undefined) ??
        mostCommon(rgNames);
    const elsewhere = azure.filter((r) => typeof r.inputs.resourceGroupName === "string" && r.inputs.resourceGroupName !== UNKNOWN && r.inputs.resourceGroupName !== deploymentRg);
    if (elsewhere.length > 0) {
        throw new Error(
            `The ARM export is one resource-group deployment (${deploymentRg}); ${elsewhere.map((r) => `${r.type} ${r.name} is in ${r.inputs.resourceGroupName}`).join("; ")}. Teach tools/arm.ts nested deployments before exporting these.`,
        );
    }
    const subscription = options.subscriptionId ?? inferSubscription(resources, deploymentRg);

    const parameters: Record<string, ArmParameter> = {};
    const context: ValueContext = { subscription, deploymentRg, tenantId: options.tenantId, parameters, urnIndex: new Map() };

    const exported: Exported[] = [];
    for (const source of azure) {
        const spec = TYPES[source.type];
        const resource: ArmResource = {
            type: spec.arm,
            apiVersion: sdkApiVersion(source.type, sdkDir),
            name: nameOf(source, spec),
            comments: source.urn,
        };
        exported.push({ source, spec, resource });
        context.urnIndex.set(source.urn, { type: spec.arm, name: resource.name });
    }

    for (const { source, spec, resource } of exported) {
        const inputs = source.inputs;
        const consumed = new Set<string>(["resourceGroupName", ...spec.name, ...(spec.drop ?? [])]);
        if (spec.scope) {
            consumed.add(spec.scope);
            const scope = scopeOf(inputs[spec.scope], context, source, spec.scope);
            if (scope !== undefined) resource.scope = scope;
        }
        const top = spec.top ?? TOP_LEVEL;
        const properties: Record<string, unknown> = {};
        for (const key of Object.keys(inputs).sort()) {
            if (consumed.has(key)) continue;
            const value = inputs[key];
            if (top.includes(key)) {
                (resource as unknown as Record<string, unknown>)[key] = convertValue(value, context, source, [key]);
            } else if (spec.propertiesInput === key) {
                Object.assign(properties, transform(value, "", spec, context, source, [key]) as Record<string, unknown>);
            } else {
                properties[spec.renames?.[key] ?? key] = transform(value, key, spec, context, source, [key]);
            }
        }
        if (Object.keys(properties).length > 0) resource.properties = properties;
        const dependsOn = dependsOnOf(source, resource, exported);
        if (dependsOn.length > 0) resource.dependsOn = dependsOn;
    }

    const rg = groups.find((g) => g.inputs.resourceGroupName === deploymentRg);
    const notExported = new Map<string, string[]>();
    for (const r of resources) {
        if (r.type.startsWith("azure-native:")) continue;
        notExported.set(r.type, [...(notExported.get(r.type) ?? []), r.name]);
    }
    return {
        $schema: DEPLOYMENT_TEMPLATE_SCHEMA,
        contentVersion: "1.0.0.0",
        metadata: {
            generator: "tools/arm.ts: the Azure resources of the lakehouse offline plan",
            ...(rg
                ? {
                      deploymentScope: {
                          resourceGroup: rg.inputs.resourceGroupName,
                          location: rg.inputs.location,
                          tags: rg.inputs.tags,
                          urn: rg.urn,
                          note: "The program creates this resource group (azure-native:resources:ResourceGroup); the template deploys into it.",
                      },
                  }
                : {}),
            notExported: [...notExported].map(([type, names]) => ({ type, count: names.length, names })),
        },
        parameters,
        resources: exported.map((e) => ordered(e.resource)),
    };
}

/** The template as JSON text: what `npm run plan -- --format arm` prints. */
export function renderArm(resources: readonly ArmSourceResource[], options: ArmOptions = {}): string {
    return JSON.stringify(armTemplate(resources, options), null, 2);
}

interface ValueContext {
    subscription?: string;
    deploymentRg?: string;
    tenantId?: string;
    parameters: Record<string, ArmParameter>;
    urnIndex: Map<string, { type: string; name: string }>;
}

function mostCommon(values: string[]): string | undefined {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function inferSubscription(resources: readonly ArmSourceResource[], rg: string | undefined): string | undefined {
    if (!rg) return undefined;
    const found = new Map<string, number>();
    const visit = (v: unknown) => {
        if (typeof v === "string") {
            const parsed = parseResourceId(v);
            if (parsed?.resourceGroup?.toLowerCase() === rg.toLowerCase()) found.set(parsed.subscription, (found.get(parsed.subscription) ?? 0) + 1);
        } else if (Array.isArray(v)) v.forEach(visit);
        else if (v && typeof v === "object") Object.values(v).forEach(visit);
    };
    for (const r of resources) if (r.type.startsWith("azure-native:")) visit(r.inputs);
    return mostCommon([...found].flatMap(([s, n]) => Array<string>(n).fill(s)));
}

/** The ARM name: the name inputs joined with `/` (an unknown segment becomes the Pulumi name). */
function nameOf(source: ArmSourceResource, spec: TypeSpec): string {
    return spec.name
        .map((key) => {
            if (key.startsWith("=")) return key.slice(1);
            const value = source.inputs[key];
            if (typeof value === "string" && value !== UNKNOWN && value !== SECRET && value !== "") return value;
            if (value === undefined || value === UNKNOWN) return source.name;
            throw new Error(`${source.type} ${source.name}: ${key} is ${JSON.stringify(value)}, not a name`);
        })
        .join("/");
}

/** An extension resource's `scope`: left out for the deployment's resource group, relative for its resources. */
function scopeOf(value: unknown, context: ValueContext, source: ArmSourceResource, key: string): string | undefined {
    if (typeof value !== "string" || value === UNKNOWN) return parameterFor(context, source, [key], "string");
    const parsed = parseResourceId(value);
    if (parsed && sameSubscription(parsed, context) && parsed.resourceGroup?.toLowerCase() === context.deploymentRg?.toLowerCase()) {
        if (!parsed.type) return undefined;
        // `Microsoft.Storage/storageAccounts/acct/blobServices/default`: a resource of this deployment.
        const [namespace, ...types] = parsed.type.split("/");
        return [namespace, ...types.flatMap((t, i) => [t, parsed.names[i]])].join("/");
    }
    if (value.startsWith("urn:pulumi:")) {
        const target = context.urnIndex.get(value);
        if (target) return relativeScope(target.type, target.name);
    }
    return value;
}

function relativeScope(type: string, name: string): string {
    const [namespace, ...types] = type.split("/");
    const names = name.split("/");
    return [namespace, ...types.flatMap((t, i) => [t, names[i]])].join("/");
}

function sameSubscription(parsed: ParsedId, context: ValueContext): boolean {
    return context.subscription !== undefined && parsed.subscription.toLowerCase() === context.subscription.toLowerCase();
}

/** A template parameter standing for a value the plan cannot show; returns the expression. */
function parameterFor(context: ValueContext, source: ArmSourceResource, at: (string | number)[], type: ArmParameter["type"]): string {
    const base = `${type === "securestring" ? "secret" : "unknown"}_${[source.name, ...at].join("_").replace(/[^A-Za-z0-9_]/g, "_")}`;
    let name = base;
    for (let i = 2; name in context.parameters; i++) name = `${base}_${i}`;
    context.parameters[name] = {
        type,
        metadata: {
            description:
                type === "securestring"
                    ? `A secret of ${source.urn} at ${at.join(".")}: never written out.`
                    : `Known only once deployed (unknown in the offline plan): ${source.urn} at ${at.join(".")}.`,
        },
    };
    return `[parameters('${name}')]`;
}

/** A leaf value as the template holds it: ids as expressions, unknowns and secrets as parameters. */
function convertValue(value: unknown, context: ValueContext, source: ArmSourceResource, at: (string | number)[]): unknown {
    if (Array.isArray(value)) return value.map((v, i) => convertValue(v, context, source, [...at, i]));
    if (value && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = convertValue(v, context, source, [...at, k]);
        return out;
    }
    if (typeof value !== "string") return value;
    if (value === UNKNOWN) return parameterFor(context, source, at, "string");
    if (value === SECRET) return parameterFor(context, source, at, "securestring");
    if (context.tenantId && value.toLowerCase() === context.tenantId.toLowerCase()) return "[subscription().tenantId]";
    if (value.startsWith("urn:pulumi:")) {
        const target = context.urnIndex.get(value);
        return target ? resourceIdExpression(target.type, target.name) : value;
    }
    const parsed = parseResourceId(value);
    if (!parsed || !sameSubscription(parsed, context)) return value;
    if (!parsed.resourceGroup && !parsed.type) return "[subscription().id]";
    if (!parsed.type) {
        return parsed.resourceGroup!.toLowerCase() === context.deploymentRg?.toLowerCase()
            ? "[resourceGroup().id]"
            : `[subscriptionResourceId('Microsoft.Resources/resourceGroups', ${quote(parsed.resourceGroup!)})]`;
    }
    const args = [parsed.type, ...parsed.names].map(quote).join(", ");
    if (!parsed.resourceGroup) return `[subscriptionResourceId(${args})]`;
    if (parsed.resourceGroup.toLowerCase() === context.deploymentRg?.toLowerCase()) return `[resourceId(${args})]`;
    return `[resourceId(${quote(parsed.resourceGroup)}, ${args})]`;
}

/**
 * An input value under `properties`: ARM names where azure-native renamed a field, sub-resources
 * with their `properties` level restored. `sdkPath` is the value's SDK path (`subnets[].delegations[]`).
 */
function transform(value: unknown, sdkPath: string, spec: TypeSpec, context: ValueContext, source: ArmSourceResource, at: (string | number)[]): unknown {
    if (Array.isArray(value)) {
        const itemPath = `${sdkPath}[]`;
        return value.map((item, i) => transform(item, itemPath, spec, context, source, [...at, i]));
    }
    if (!value || typeof value !== "object") return convertValue(value, context, source, at);
    const obj = value as Record<string, unknown>;
    const child = (key: string) => (sdkPath ? `${sdkPath}.${key}` : key);
    const isSubResource = spec.subResources?.includes(sdkPath) === true;
    const out: Record<string, unknown> = {};
    const nested: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
        const armKey = spec.renames?.[child(key)] ?? key;
        const converted = transform(obj[key], child(key), spec, context, source, [...at, key]);
        if (isSubResource && !["name", "id", "etag", "type"].includes(key)) nested[armKey] = converted;
        else out[armKey] = converted;
    }
    if (isSubResource && Object.keys(nested).length > 0) out.properties = nested;
    return out;
}

/** The keys in the order ARM's documentation writes them, the URN last. */
function ordered(resource: ArmResource): ArmResource {
    const keys = ["type", "apiVersion", "name", "scope", ...TOP_LEVEL, "properties", "dependsOn", "comments"] as const;
    const out: Record<string, unknown> = {};
    for (const k of keys) if ((resource as unknown as Record<string, unknown>)[k] !== undefined) out[k] = (resource as unknown as Record<string, unknown>)[k];
    return out as unknown as ArmResource;
}

/**
 * `dependsOn`: the plan's dependencies that are resources of this template, and the parent of a
 * child resource when the template declares it (ARM needs that edge within one deployment).
 */
function dependsOnOf(source: ArmSourceResource, self: ArmResource, exported: Exported[]): string[] {
    const out: string[] = [];
    const parentType = self.type.split("/").slice(0, -1).join("/");
    const parentName = self.name.split("/").slice(0, -1).join("/");
    const parent = self.type.split("/").length > 2 ? exported.find((e) => e.resource.type === parentType && e.resource.name === parentName) : undefined;
    const targets = [...(parent ? [parent] : []), ...(source.dependencies ?? []).map((urn) => exported.find((e) => e.source.urn === urn))];
    for (const target of targets) {
        if (!target || target.source.urn === source.urn) continue;
        const { resource } = target;
        const id = resourceIdExpression(resource.type, resource.name);
        if (resource.scope !== undefined) {
            // An extension resource: its id hangs off its scope's id.
            const scopeId = resource.scope.startsWith("[") || resource.scope.startsWith("/") ? resource.scope : scopeResourceId(resource.scope);
            out.push(`[extensionResourceId(${scopeId.startsWith("[") ? scopeId.slice(1, -1) : quote(scopeId)}, ${quote(resource.type)}, ${quote(resource.name)})]`);
        } else {
            out.push(id);
        }
    }
    return [...new Set(out)];
}

/** `Microsoft.Storage/storageAccounts/acct` → `[resourceId('Microsoft.Storage/storageAccounts', 'acct')]` */
function scopeResourceId(relative: string): string {
    const [namespace, ...rest] = relative.split("/");
    const types: string[] = [];
    const names: string[] = [];
    for (let i = 0; i < rest.length; i += 2) {
        types.push(rest[i]);
        names.push(rest[i + 1]);
    }
    return resourceIdExpression([namespace, ...types].join("/"), names.join("/"));
}
