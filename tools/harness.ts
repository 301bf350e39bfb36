/**
 * Runs the real program under Pulumi's mocks with a stack's config and records what it registers:
 * the engine of the offline plan, the tests and the benchmarks. No cloud account, no Pulumi CLI.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigOverride, projectDefaults, stackConfig } from "./stack-config";

export const ROOT = path.resolve(__dirname, "..");

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A fake subscription and tenant: the mocks answer Azure's client-config invokes with these. */
export const MOCK_SUBSCRIPTION = "00000000-0000-4000-8000-000000000001";
export const MOCK_TENANT = "00000000-0000-4000-8000-000000000002";

/** One registered resource, as the plan prints it and the policies see it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent ("" for the stack itself). */
    parent: string;
    /** URN of the explicit provider, or "" for the default provider. */
    provider: string;
    /** Inputs with secrets shown as "[secret]" (safe to print). */
    inputs: Record<string, unknown>;
    /** URNs this resource depends on. */
    dependencies: string[];
    /**
     * The subset of `dependencies` that no input refers to (`dependsOn` edges): ordering the data
     * flow alone would not impose. The serving benchmark lists them on the critical path.
     */
    explicitDependencies?: string[];
    protect: boolean;
    /** Per top-level input, the URNs whose outputs it consumes (what a preview makes unknown when one is replaced). */
    propertyDependencies?: Record<string, string[]>;
    /** Whether the resource was registered with an `import` id. */
    importId: string;
    /** Inputs with secrets in clear; never printed, only given to policies. */
    rawInputs: Record<string, unknown>;
    /** Top-level input names whose value is (or contains) a secret. */
    secretInputs: string[];
    /** Replacement options the engine would apply: `replacementTrigger` (rendered), `deleteBeforeReplace`, `replaceOnChanges`. */
    replacement?: { trigger?: unknown; deleteBeforeReplace: boolean; onChanges: string[] };
    /** `retainOnDelete`: deleting it (from the program, or by a replacement) only forgets it; the cloud object stays. */
    retainOnDelete?: boolean;
    /** `ignoreChanges`: input paths the engine never diffs (fields the service does not echo). */
    ignoreChanges?: string[];
}

export interface ProgramRun {
    stack: string;
    project: string;
    resources: PlannedResource[];
    /** Stack outputs with secrets shown as "[secret]". */
    outputs: Record<string, unknown>;
    /** The config the program saw, `namespace:key` → value. */
    config: Record<string, unknown>;
    /**
     * What the program logged through `pulumi.log` (`info: …`, `warning: …`), in order. Without an
     * engine Pulumi prints these to the console; the harness keeps them here instead, so the plan's
     * `--json` stdout stays one document.
     */
    diagnostics: string[];
}

export interface RunOptions {
    /** Stack name; reads `Pulumi.<stack>.yaml` (default `dev`). */
    stack?: string;
    /** `--set path=value` overrides, applied in order. */
    overrides?: ConfigOverride[];
    /** The program module to run (default: the project's `index.ts`). */
    program?: string;
    /** Called with each URN as it is registered (even when the run later fails). */
    onRegister?: (urn: string) => void;
    /** The Databricks account's principals for account-level lookups (default: every name exists). */
    account?: AccountDirectory;
}

/** Thrown when the program registers the same URN twice (the engine would refuse the update). */
export class DuplicateUrnError extends Error {
    constructor(readonly urns: string[]) {
        super(`Duplicate resource URN${urns.length > 1 ? "s" : ""}:\n${urns.map((u) => `  - ${u}`).join("\n")}`);
        this.name = "DuplicateUrnError";
    }
}

/** Thrown when the program fails after registering resources (an exception inside an apply, an error logged). */
export class ProgramError extends Error {
    constructor(readonly errors: string[]) {
        super(`The program failed:\n${errors.map((e) => `  - ${e}`).join("\n")}`);
        this.name = "ProgramError";
    }
}

/** Azure types whose outputs here are just their name and ARM id: type → [name input, provider namespace, collection]. */
const NAMED_ARM_RESOURCES: Readonly<Record<string, readonly [string, string, string]>> = {
    "azure-native:network:VirtualNetwork": ["virtualNetworkName", "Microsoft.Network", "virtualNetworks"],
    "azure-native:network:NetworkSecurityGroup": ["networkSecurityGroupName", "Microsoft.Network", "networkSecurityGroups"],
    "azure-native:network:NatGateway": ["natGatewayName", "Microsoft.Network", "natGateways"],
    "azure-native:network:PublicIPAddress": ["publicIpAddressName", "Microsoft.Network", "publicIPAddresses"],
    "azure-native:network:PrivateEndpoint": ["privateEndpointName", "Microsoft.Network", "privateEndpoints"],
    "azure-native:privatedns:PrivateZone": ["privateZoneName", "Microsoft.Network", "privateDnsZones"],
    "azure-native:network:NetworkSecurityPerimeter": ["networkSecurityPerimeterName", "Microsoft.Network", "networkSecurityPerimeters"],
    "azure-native:operationalinsights:Workspace": ["workspaceName", "Microsoft.OperationalInsights", "workspaces"],
};

/** Computed outputs a real provider would return, so the program's applies see realistic values. */
function computedState(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    const rg = inputs.resourceGroupName ?? "rg";
    const arm = (provider: string, kind: string, n: string) =>
        `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/${provider}/${kind}/${n}`;
    const named = NAMED_ARM_RESOURCES[type];
    if (named) return { name: inputs[named[0]], id: arm(named[1], named[2], inputs[named[0]]) };
    const fakeGuid = (seed: string) => {
        const hex = Buffer.from(seed).toString("hex").padEnd(32, "0").slice(0, 32);
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    };
    switch (type) {
        case "azure-native:resources:ResourceGroup":
            return { name: inputs.resourceGroupName, id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${inputs.resourceGroupName}` };
        case "azure-native:storage:StorageAccount":
            return {
                name: inputs.accountName,
                id: arm("Microsoft.Storage", "storageAccounts", inputs.accountName),
                primaryEndpoints: { dfs: `https://${inputs.accountName}.dfs.core.windows.net/` },
            };
        case "azure-native:storage:BlobContainer":
            return { name: inputs.containerName };
        case "azure-native:databricks:AccessConnector":
            return {
                name: inputs.connectorName,
                id: arm("Microsoft.Databricks", "accessConnectors", inputs.connectorName),
                identity: { type: "SystemAssigned", principalId: fakeGuid(`mi-${name}`), tenantId: MOCK_TENANT },
            };
        case "azure-native:databricks:Workspace":
            return {
                name: inputs.workspaceName,
                id: arm("Microsoft.Databricks", "workspaces", inputs.workspaceName),
                workspaceId: "1234567890123456",
                workspaceUrl: "adb-1234567890123456.7.azuredatabricks.net",
            };
        case "azuread:index/application:Application":
            return { clientId: fakeGuid(`client-${name}`), objectId: fakeGuid(`obj-${name}`), id: `/applications/${fakeGuid(`obj-${name}`)}` };
        case "azuread:index/servicePrincipal:ServicePrincipal":
            return { objectId: fakeGuid(`sp-${name}`) };
        case "azuread:index/applicationPassword:ApplicationPassword":
            return { value: `mock-password-${name}`, keyId: fakeGuid(`key-${name}`) };
        case "databricks:index/modelServing:ModelServing":
            return { servingEndpointId: fakeGuid(`endpoint-${name}`).replace(/-/g, "").slice(0, 32), endpointUrl: `/serving-endpoints/${inputs.name}/invocations` };
        case "databricks:index/app:App":
            return {
                url: `https://${inputs.name}-1234567890123456.7.azure.databricksapps.com`,
                servicePrincipalClientId: fakeGuid(`app-sp-${inputs.name}`),
                servicePrincipalName: `app-${inputs.name}`,
                defaultSourceCodePath: inputs.sourceCodePath,
            };
        case "random:index/randomString:RandomString":
            return { result: "a1b2c3".slice(0, inputs.length ?? 6) };
        case "azure-native:network:Subnet":
            return { name: inputs.subnetName, id: arm("Microsoft.Network", "virtualNetworks", `${inputs.virtualNetworkName}/subnets/${inputs.subnetName}`) };
        case "azure-native:network:NetworkSecurityPerimeterProfile":
            return { name: inputs.profileName, id: arm("Microsoft.Network", "networkSecurityPerimeters", `${inputs.networkSecurityPerimeterName}/profiles/${inputs.profileName}`) };
        case "azure-native:keyvault:Vault":
            return { name: inputs.vaultName, id: arm("Microsoft.KeyVault", "vaults", inputs.vaultName), properties: { ...inputs.properties, vaultUri: `https://${inputs.vaultName}.vault.azure.net/` } };
        case "azure-native:keyvault:Key":
            return { name: inputs.keyName, keyUri: `https://${inputs.vaultName}.vault.azure.net/keys/${inputs.keyName}`, keyUriWithVersion: `https://${inputs.vaultName}.vault.azure.net/keys/${inputs.keyName}/0123456789abcdef0123456789abcdef` };
        case "databricks:index/mwsNetworkConnectivityConfig:MwsNetworkConnectivityConfig":
            return { networkConnectivityConfigId: fakeGuid(`ncc-${name}`) };
        case "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule":
            return { endpointName: mockNccEndpointName(inputs.groupId), connectionState: "PENDING" };
        case "random:index/randomPassword:RandomPassword":
            // Without it the password's `result` is undefined and inputs built from it vanish from the plan.
            return { result: "x".repeat(inputs.length ?? 16) };
        default:
            return {};
    }
}

/** The endpoint name Databricks gives an NCC rule's private endpoint, in the mocks. */
function mockNccEndpointName(groupId: unknown): string {
    return `databricks-mock-${String(groupId)}-pe`;
}

/**
 * The Databricks account's principals, as the account-level lookups see them: every name exists
 * unless a run says which do (`RunOptions.account`), so a test can show a missing group failing.
 */
let accountDirectory: AccountDirectory | undefined;

/** Principals that exist in the Databricks account (for a run that checks them). */
export interface AccountDirectory {
    groups: string[];
    users: string[];
    servicePrincipals: string[];
}

function accountLookup(token: string, inputs: Record<string, any>): Record<string, unknown> {
    const [list, key] =
        token === "databricks:index/getGroup:getGroup"
            ? ([accountDirectory?.groups, "displayName"] as const)
            : token === "databricks:index/getUser:getUser"
              ? ([accountDirectory?.users, "userName"] as const)
              : ([accountDirectory?.servicePrincipals, "applicationId"] as const);
    const name = String(inputs[key]);
    // The provider's own wording for a principal the account does not have.
    if (list && !list.includes(name)) throw new Error(`cannot read ${token.split(":").pop()?.replace(/^get/, "").toLowerCase()}: ${name} not found`);
    return { id: `account-${name}`, [key]: name };
}

const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs) };
        const id = (state.id as string | undefined) ?? `${args.name}-id`;
        return { id, state };
    },
    call(args) {
        switch (args.token) {
            case "azure-native:authorization:getClientConfig":
                return { subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_TENANT, clientId: "mock-client", objectId: "mock-object" };
            case "azuread:index/getClientConfig:getClientConfig":
                return { tenantId: MOCK_TENANT, clientId: "mock-client", objectId: "mock-object" };
            case "azuread:index/getServicePrincipal:getServicePrincipal":
                return { clientId: args.inputs.clientId, objectId: `sp-object-of-${args.inputs.clientId}` };
            case "azure-native:storage:getStorageAccount":
                // Databricks has created the NCC's endpoints: their connections are pending on the account.
                return {
                    privateEndpointConnections: ["dfs", "blob"].map((groupId) => ({
                        name: `${mockNccEndpointName(groupId)}.connection`,
                        privateEndpoint: { id: `/subscriptions/databricks-serverless/resourceGroups/ncc/providers/Microsoft.Network/privateEndpoints/${mockNccEndpointName(groupId)}` },
                        privateLinkServiceConnectionState: { status: "Pending" },
                    })),
                };
            case "azure-native:consumption:getBudget":
                // Offline every stack is a fresh one: no budget exists yet.
                throw new Error(`budget ${String(args.inputs.budgetName)} not found (mock: a fresh subscription)`);
            case "databricks:index/getGroup:getGroup":
            case "databricks:index/getUser:getUser":
            case "databricks:index/getServicePrincipal:getServicePrincipal":
                return accountLookup(args.token, args.inputs);
            default:
                throw new Error(`Mock not implemented: ${args.token}`);
        }
    },
};

/**
 * The URN the Pulumi engine assigns. The mock monitor puts the root stack's type at the head of
 * every child's type chain (`…::pulumi:pulumi:Stack$lakehouse:storage:LakehouseStorage::storage`);
 * the engine never does (`…::lakehouse:storage:LakehouseStorage::storage`), so neither does the plan.
 */
export function engineUrn(urn: string): string {
    const parts = urn.split("::");
    if (parts.length < 4) return urn;
    const ROOT_PREFIX = "pulumi:pulumi:Stack$";
    if (parts[2].startsWith(ROOT_PREFIX)) parts[2] = parts[2].slice(ROOT_PREFIX.length);
    return parts.join("::");
}

/** Dependencies of a register request that come from `dependsOn`, not from any input. */
function explicitDependencies(req: any): string[] {
    const fromInputs = new Set<string>();
    req.getPropertydependenciesMap().forEach((deps: any) => deps.getUrnsList().forEach((urn: string) => fromInputs.add(urn)));
    return [...new Set<string>(req.getDependenciesList())].filter((urn) => !fromInputs.has(urn)).map(engineUrn);
}

/** Input name → the URNs its value came from (the register request's property dependencies). */
function propertyDependencies(req: any): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
        out[key] = [...new Set<string>(deps.getUrnsList())];
    });
    return out;
}

/** Replaces secrets by "[secret]" (or unwraps them), resource references by URNs, unknowns by "[unknown]". */
function render(value: unknown, revealSecrets: boolean): unknown {
    if (Array.isArray(value)) return value.map((v) => render(v, revealSecrets));
    if (value === UNKNOWN) return "[unknown]";
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        if (obj[SIG_KEY] === SECRET_SIG) return revealSecrets ? render(obj.value, true) : "[secret]";
        if (obj[SIG_KEY] === RESOURCE_REF_SIG) return engineUrn(String(obj.urn));
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(obj)) out[k] = render(v, revealSecrets);
        return out;
    }
    return value;
}

function containsSecret(value: unknown): boolean {
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) {
        const obj = value as Record<string, unknown>;
        return obj[SIG_KEY] === SECRET_SIG || Object.values(obj).some(containsSecret);
    }
    return false;
}

/**
 * Runs `index.ts` under mocks for one stack and returns every registered resource. Throws
 * `ConfigError` when the config is rejected (nothing is registered then) and
 * `DuplicateUrnError` when two resources share a URN.
 */
export async function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
    const stack = options.stack ?? "dev";
    const config = stackConfig(ROOT, stack, options.overrides ?? []);
    const { project } = projectDefaults(ROOT);

    const flat: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) flat[key] = typeof value === "string" ? value : JSON.stringify(value);
    pulumi.runtime.setAllConfig(flat, []);
    accountDirectory = options.account;
    await pulumi.runtime.setMocks(mocks, project, stack, false);

    const settings = require("@pulumi/pulumi/runtime/settings");
    const monitor = settings.getMonitor();
    const seen = new Map<string, PlannedResource>();
    const duplicates: string[] = [];
    let stackOutputs: Record<string, unknown> = {};
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
        register(req, (err: unknown, res: any) => {
            if (!err && res) {
                const urn = engineUrn(res.getUrn());
                const serialized = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
                const providerRef: string = req.getProvider() ?? "";
                const record: PlannedResource = {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    parent: engineUrn(req.getParent() ?? ""),
                    provider: engineUrn(providerRef.split("::").slice(0, -1).join("::")),
                    inputs: render(serialized, false) as Record<string, unknown>,
                    dependencies: [...new Set<string>(req.getDependenciesList())].map(engineUrn),
                    explicitDependencies: explicitDependencies(req),
                    propertyDependencies: propertyDependencies(req),
                    protect: req.getProtect() === true,
                    importId: req.getImportid() ?? "",
                    rawInputs: render(serialized, true) as Record<string, unknown>,
                    secretInputs: Object.keys(serialized).filter((k) => containsSecret(serialized[k])),
                    replacement: {
                        trigger: req.hasReplacementTrigger?.() ? render(req.getReplacementTrigger().toJavaScript(), false) : undefined,
                        deleteBeforeReplace: req.getDeletebeforereplace() === true,
                        onChanges: req.getReplaceonchangesList() ?? [],
                    },
                    retainOnDelete: req.getRetainondelete() === true,
                    ignoreChanges: req.getIgnorechangesList() ?? [],
                };
                options.onRegister?.(urn);
                if (seen.has(urn)) duplicates.push(urn);
                seen.set(urn, record);
            }
            callback(err, res);
        });
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, res: any) => void) => {
        if (req.getUrn().endsWith(`::pulumi:pulumi:Stack::${project}-${stack}`)) {
            stackOutputs = render(req.getOutputs()?.toJavaScript() ?? {}, false) as Record<string, unknown>;
        }
        registerOutputs(req, callback);
    };

    // pulumi.log without an engine writes "<severity>: [runtime] <message>" to the console: keep those.
    const diagnostics: string[] = [];
    const original = { log: console.log, warn: console.warn };
    const capture = (write: (...args: unknown[]) => void) => (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        const m = /^(debug|info|warning|error): \[runtime\] ([\s\S]*)$/.exec(text);
        if (m) diagnostics.push(`${m[1]}: ${m[2]}`);
        else write(...args);
    };
    console.log = capture(original.log);
    console.warn = capture(original.warn);
    // An exception inside an apply fails a real deployment; under mocks it only surfaces as an
    // unhandled rejection (and the resource silently goes missing), so collect those too.
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    // Pulumi records a stack trace for every promise it makes (and a source position per resource,
    // which it captures with its own limit): formatting and source-mapping those cost three times
    // the rest of the run. Errors thrown inside the program therefore carry their message only.
    const sourceMaps = process.sourceMapsEnabled;
    const stackTraceLimit = Error.stackTraceLimit;
    process.setSourceMapsEnabled(false);
    Error.stackTraceLimit = 0;
    let failure: unknown;
    try {
        // The program's modules hold no state of their own (the exported function builds everything),
        // so they are loaded once per process and each run calls the function again.
        const program: () => Promise<Record<string, unknown>> = require(options.program ?? path.join(ROOT, "index"));
        await pulumi.runtime.runInPulumiStack(program);
        await settings.waitForRPCs();
    } catch (err) {
        failure = err;
    } finally {
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onRejection);
        process.setSourceMapsEnabled(sourceMaps);
        Error.stackTraceLimit = stackTraceLimit;
        console.log = original.log;
        console.warn = original.warn;
    }
    const failureMessage = (failure as Error | undefined)?.message;
    const stray = rejections.filter((r) => r !== failure && (r as Error | undefined)?.message !== failureMessage);
    if (failure !== undefined) throw failure;
    const errors = [...stray.map((r) => (r instanceof Error ? r.message : String(r))), ...diagnostics.filter((d) => d.startsWith("error: ")).map((d) => d.slice(7))];
    if (errors.length > 0) throw new ProgramError(errors);
    if (duplicates.length > 0) throw new DuplicateUrnError(duplicates);
    return { stack, project, resources: [...seen.values()], outputs: stackOutputs, config, diagnostics };
}
