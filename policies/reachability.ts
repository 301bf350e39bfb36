/**
 * Reachability as code: from what a stack registers, which compute reaches which storage account,
 * and how — a private endpoint in the workspace's VNet, an NCC private endpoint, the network
 * security perimeter, or the public endpoint — and whether the storage is reachable from the
 * internet. The 403 class (compute granted data it cannot reach through the storage firewall) and
 * public data in production are both read from this one function: by the pack's policies, and by
 * the offline plan, which prints the table. Pure, self-contained (the pack imports nothing from
 * outside policies/).
 */
import { UNKNOWN, knownString, list, read } from "./rules/util";

/** What the function needs of a resource (a CrossGuard `PolicyResource` fits). */
export interface NetworkResource {
    type: string;
    urn: string;
    name: string;
    props: Record<string, unknown>;
    dependencies: readonly { urn: string }[];
}

export type Path = "private endpoint" | "NCC private endpoint" | "perimeter" | "public endpoint";

export interface Reach {
    /** `SQL warehouse (serverless)`, `pipeline medallion (classic)`, `model serving classifier`, … */
    compute: string;
    /** The compute's resource. */
    urn: string;
    serverless: boolean;
    /** The storage account's logical name and URN. */
    storage: string;
    storageUrn: string;
    /** How it gets there, or undefined when it cannot (the firewall answers 403). */
    path?: Path;
    /** What is missing when it cannot, or what was not known yet. */
    note?: string;
    /** True when an input it depends on is not known yet (first preview): not judged. */
    unknown?: boolean;
}

export interface Exposure {
    storage: string;
    storageUrn: string;
    /** `none`, `perimeter` (only what the perimeter admits), `listed addresses`, `open`, or unknown. */
    internet: "none" | "perimeter" | "listed addresses" | "open" | "unknown";
    detail: string;
}

export interface Reachability {
    reaches: Reach[];
    exposure: Exposure[];
}

const T = {
    storage: "azure-native:storage:StorageAccount",
    workspace: "azure-native:databricks:Workspace",
    privateEndpoint: "azure-native:network:PrivateEndpoint",
    nccRule: "databricks:index/mwsNccPrivateEndpointRule:MwsNccPrivateEndpointRule",
    nccBinding: "databricks:index/mwsNccBinding:MwsNccBinding",
    nspAssociation: "azure-native:network:NetworkSecurityPerimeterAssociation",
    nspRule: "azure-native:network:NetworkSecurityPerimeterAccessRule",
    warehouse: "databricks:index/sqlEndpoint:SqlEndpoint",
    pipeline: "databricks:index/pipeline:Pipeline",
    job: "databricks:index/job:Job",
    serving: "databricks:index/modelServing:ModelServing",
} as const;

/** The storage sub-resources a compute needs: ADLS Gen2 (dfs) and Blob, both. */
const STORAGE_GROUPS = ["dfs", "blob"];
const SERVERLESS_TAG = /^AzureDatabricksServerless(\.|$)/;

const dependsOn = (r: NetworkResource, target: NetworkResource) => r.dependencies.some((d) => d.urn === target.urn);

/** The compute a stack runs, serverless or classic. */
function computes(resources: readonly NetworkResource[]): { compute: string; urn: string; serverless: boolean | typeof UNKNOWN }[] {
    const out: { compute: string; urn: string; serverless: boolean | typeof UNKNOWN }[] = [];
    for (const r of resources) {
        if (r.type === T.warehouse) {
            const s = read(() => r.props.enableServerlessCompute);
            out.push({ compute: `SQL warehouse ${r.name}`, urn: r.urn, serverless: s === UNKNOWN ? UNKNOWN : s === true });
        } else if (r.type === T.pipeline) {
            const s = read(() => r.props.serverless);
            out.push({ compute: `pipeline ${r.name}`, urn: r.urn, serverless: s === UNKNOWN ? UNKNOWN : s === true });
        } else if (r.type === T.job) {
            const classic = list(() => r.props.jobClusters).length > 0;
            out.push({ compute: `job ${r.name}`, urn: r.urn, serverless: !classic });
        } else if (r.type === T.serving) {
            out.push({ compute: `model serving ${r.name}`, urn: r.urn, serverless: true });
        }
    }
    return out;
}

/** The VNet the workspace's classic compute runs in (VNet injection), if any. */
function injectedVnet(resources: readonly NetworkResource[]): string | typeof UNKNOWN | undefined {
    const ws = resources.find((r) => r.type === T.workspace);
    if (!ws) return undefined;
    const id = read(() => (ws.props.parameters as { customVirtualNetworkId?: { value?: unknown } } | undefined)?.customVirtualNetworkId?.value);
    if (id === UNKNOWN) return UNKNOWN;
    return typeof id === "string" && id !== "" ? id : undefined;
}

/** Sub-resources (`dfs`, `blob`) of `account` reachable through private endpoints in `vnet` (or of unknown subnet). */
function endpointGroups(resources: readonly NetworkResource[], account: NetworkResource, vnet: string | typeof UNKNOWN): { groups: Set<string>; unknown: boolean } {
    const groups = new Set<string>();
    let unknown = false;
    for (const pe of resources.filter((r) => r.type === T.privateEndpoint && dependsOn(r, account))) {
        const subnet = knownString(() => (pe.props.subnet as { id?: unknown } | undefined)?.id);
        const inVnet = vnet === UNKNOWN || subnet === undefined ? undefined : subnet.toLowerCase().startsWith(`${vnet.toLowerCase()}/subnets/`);
        if (inVnet === undefined) unknown = true;
        if (inVnet === false) continue;
        for (const c of list<{ groupIds?: unknown }>(() => pe.props.privateLinkServiceConnections)) {
            for (const g of list<string>(() => c.groupIds)) groups.add(String(g).toLowerCase());
        }
    }
    return { groups, unknown };
}

function storageFirewall(account: NetworkResource) {
    const access = read(() => account.props.publicNetworkAccess);
    const rules = read(() => account.props.networkRuleSet) as Record<string, unknown> | typeof UNKNOWN | undefined;
    const defaultAction = rules === UNKNOWN ? UNKNOWN : read(() => rules?.defaultAction);
    const ipRules = rules === UNKNOWN ? [] : list(() => rules?.ipRules);
    return { access, defaultAction, ipRules };
}

/** Who reaches which storage account, and how; and how exposed each account is to the internet. */
export function reachability(resources: readonly NetworkResource[]): Reachability {
    const accounts = resources.filter((r) => r.type === T.storage);
    const vnet = injectedVnet(resources);
    const bound = resources.some((r) => r.type === T.nccBinding);
    const reaches: Reach[] = [];
    const exposure: Exposure[] = [];

    for (const account of accounts) {
        const accountName = knownString(() => account.props.accountName) ?? account.name;
        const fw = storageFirewall(account);
        const publicAllow = fw.access === "Enabled" && fw.defaultAction === "Allow";
        const fwUnknown = fw.access === UNKNOWN || fw.defaultAction === UNKNOWN;
        const nccGroups = new Set(
            resources
                .filter((r) => r.type === T.nccRule && dependsOn(r, account))
                .map((r) => String(read(() => r.props.groupId)).toLowerCase()),
        );
        const association = resources.find((r) => r.type === T.nspAssociation && dependsOn(r, account));
        const perimeterRules = association
            ? resources.filter((r) => r.type === T.nspRule && read(() => r.props.direction) === "Inbound" && association.dependencies.some((d) => r.dependencies.some((rd) => rd.urn === d.urn)))
            : [];
        const perimeterAdmitsServerless = perimeterRules.some((r) => list<string>(() => r.props.serviceTags).some((t) => SERVERLESS_TAG.test(String(t))));
        const perimeterAddresses = perimeterRules.flatMap((r) => list<string>(() => r.props.addressPrefixes));

        for (const c of computes(resources)) {
            const base = { compute: c.compute, urn: c.urn, storage: accountName, storageUrn: account.urn };
            if (c.serverless === UNKNOWN) {
                reaches.push({ ...base, serverless: false, unknown: true, note: "serverless or classic is not known yet" });
                continue;
            }
            if (c.serverless) {
                if (STORAGE_GROUPS.every((g) => nccGroups.has(g)) && bound) reaches.push({ ...base, serverless: true, path: "NCC private endpoint" });
                else if (association && perimeterAdmitsServerless && fw.access !== "Disabled") reaches.push({ ...base, serverless: true, path: "perimeter" });
                else if (publicAllow) reaches.push({ ...base, serverless: true, path: "public endpoint" });
                else if (fwUnknown) reaches.push({ ...base, serverless: true, unknown: true, note: "the storage firewall is not known yet" });
                else {
                    const missing =
                        nccGroups.size > 0 && !bound
                            ? "NCC rules exist but no NCC binding to the workspace"
                            : nccGroups.size > 0
                              ? `NCC rules for ${STORAGE_GROUPS.filter((g) => !nccGroups.has(g)).join(" and ")} are missing`
                              : "no NCC private endpoint rules and no perimeter admitting AzureDatabricksServerless";
                    reaches.push({ ...base, serverless: true, note: `${missing}: serverless compute gets 403 from the storage firewall` });
                }
                continue;
            }
            // Classic compute runs in the workspace's VNet (injected) or in Databricks' managed VNet.
            if (vnet === UNKNOWN) {
                reaches.push({ ...base, serverless: false, unknown: true, note: "the workspace's VNet is not known yet" });
                continue;
            }
            if (vnet !== undefined) {
                const { groups, unknown } = endpointGroups(resources, account, vnet);
                if (STORAGE_GROUPS.every((g) => groups.has(g))) {
                    reaches.push({ ...base, serverless: false, path: "private endpoint" });
                    continue;
                }
                if (unknown) {
                    reaches.push({ ...base, serverless: false, unknown: true, note: "the private endpoints' subnets are not known yet" });
                    continue;
                }
            }
            if (publicAllow) reaches.push({ ...base, serverless: false, path: "public endpoint" });
            else if (fwUnknown) reaches.push({ ...base, serverless: false, unknown: true, note: "the storage firewall is not known yet" });
            else {
                const where = vnet === undefined ? "the workspace is not VNet-injected, so its clusters cannot use private endpoints" : "no dfs and blob private endpoints in the workspace's VNet";
                reaches.push({ ...base, serverless: false, note: `${where}: classic compute gets 403 from the storage firewall` });
            }
        }

        const base = { storage: accountName, storageUrn: account.urn };
        if (fwUnknown) exposure.push({ ...base, internet: "unknown", detail: "not known yet" });
        else if (fw.access === "Disabled") exposure.push({ ...base, internet: "none", detail: "public network access Disabled: private endpoints only" });
        else if (fw.access === "SecuredByPerimeter") {
            exposure.push(
                perimeterAddresses.length > 0
                    ? { ...base, internet: "listed addresses", detail: `the perimeter admits ${perimeterAddresses.join(", ")}` }
                    : { ...base, internet: "perimeter", detail: "only what the perimeter admits (Databricks serverless compute)" },
            );
        } else if (fw.defaultAction === "Allow") exposure.push({ ...base, internet: "open", detail: "public endpoint with firewall default Allow" });
        else if (fw.ipRules.length > 0) exposure.push({ ...base, internet: "listed addresses", detail: `firewall admits ${fw.ipRules.length} address range(s)` });
        else exposure.push({ ...base, internet: "none", detail: "public endpoint, firewall default Deny with no address admitted" });
    }
    return { reaches, exposure };
}

/** The table the plan prints. */
export function renderReachability({ reaches, exposure }: Reachability): string[] {
    const lines = ["Reachability (compute → storage):"];
    const width = Math.max(0, ...reaches.map((r) => r.compute.length + (r.serverless ? 13 : 10)));
    for (const r of reaches) {
        const who = `${r.compute} (${r.serverless ? "serverless" : "classic"})`.padEnd(width);
        const how = r.path ? `via ${r.path}` : r.unknown ? `not known yet (${r.note})` : `UNREACHABLE: ${r.note}`;
        lines.push(`  ${who} → ${r.storage}: ${how}`);
    }
    for (const e of exposure) lines.push(`  internet → ${e.storage}: ${e.internet === "none" ? "no" : e.internet} (${e.detail})`);
    return lines;
}
