/**
 * IPv4 CIDR arithmetic and the spoke VNet's subnet layout: the workspace's two subnets (host and
 * container, one IP per cluster node each) sized for the cluster nodes the stack may run at once,
 * and a private-endpoint subnet. Pure: unit-tested without mocks.
 */

/** Azure keeps five addresses of every subnet (network, gateway, two DNS, broadcast). */
export const AZURE_RESERVED_ADDRESSES = 5;
/** Databricks' smallest supported workspace subnet (VNet injection). */
export const MIN_WORKSPACE_PREFIX = 26;
/** The private-endpoint subnet: room for the workspace, browser-authentication, dfs and blob endpoints and more. */
export const PRIVATE_ENDPOINT_PREFIX = 27;

export interface Cidr {
    /** The network address as an unsigned 32-bit number. */
    base: number;
    prefix: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Parses `a.b.c.d/p` (or a bare address, /32). Undefined when it is not one. */
export function parseCidr(text: string): Cidr | undefined {
    const m = IPV4.exec(text.trim());
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = m[5] === undefined ? 32 : Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const address = octets.reduce((n, o) => n * 256 + o, 0);
    return { base: address - (address % 2 ** (32 - prefix)), prefix };
}

/** True when `text` is a network address with no host bits set (`10.0.0.0/22`, not `10.0.1.0/22`). */
export function isNetworkAddress(text: string): boolean {
    const cidr = parseCidr(text);
    return cidr !== undefined && formatCidr(cidr) === text.trim();
}

export function formatCidr({ base, prefix }: Cidr): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(base / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** Addresses a subnet of this prefix leaves for machines. */
export function usableAddresses(prefix: number): number {
    return 2 ** (32 - prefix) - AZURE_RESERVED_ADDRESSES;
}

/** The longest prefix (smallest subnet) that holds `nodes` machines, and never smaller than /26. */
export function workspaceSubnetPrefix(nodes: number): number {
    let prefix = MIN_WORKSPACE_PREFIX;
    while (prefix > 16 && usableAddresses(prefix) < nodes) prefix--;
    return prefix;
}

export interface SubnetPlan {
    /** The workspace's host subnet (Databricks' "public" subnet; with secure cluster connectivity it has no public IPs). */
    host: string;
    /** The workspace's container subnet (Databricks' "private" subnet). */
    container: string;
    /** Private endpoints: workspace, browser authentication, storage dfs and blob. */
    privateEndpoints: string;
    /** Nodes each workspace subnet holds. */
    nodeCapacity: number;
}

/**
 * Lays the three subnets out from the start of `addressSpace`, largest first so each is aligned.
 * Returns a problem (what is needed) instead when they do not fit.
 */
export function planSubnets(addressSpace: string, nodes: number): SubnetPlan | { problem: string } {
    const space = parseCidr(addressSpace);
    if (!space) return { problem: `an IPv4 CIDR such as 10.120.0.0/22` };
    const workspacePrefix = workspaceSubnetPrefix(nodes);
    const needed = 2 * 2 ** (32 - workspacePrefix) + 2 ** (32 - PRIVATE_ENDPOINT_PREFIX);
    if (needed > 2 ** (32 - space.prefix)) {
        let prefix = space.prefix;
        while (prefix > 8 && 2 ** (32 - prefix) < needed) prefix--;
        return { problem: `room for two /${workspacePrefix} workspace subnets (${nodes} cluster nodes) and a /${PRIVATE_ENDPOINT_PREFIX} private-endpoint subnet: a /${prefix} or larger` };
    }
    const size = 2 ** (32 - workspacePrefix);
    return {
        host: formatCidr({ base: space.base, prefix: workspacePrefix }),
        container: formatCidr({ base: space.base + size, prefix: workspacePrefix }),
        privateEndpoints: formatCidr({ base: space.base + 2 * size, prefix: PRIVATE_ENDPOINT_PREFIX }),
        nodeCapacity: usableAddresses(workspacePrefix),
    };
}

/** Addresses a list of CIDRs covers together (overlaps counted once). */
export function addressesCovered(cidrs: readonly string[]): number {
    const ranges = cidrs
        .map(parseCidr)
        .filter((c): c is Cidr => c !== undefined)
        .map((c) => [c.base, c.base + 2 ** (32 - c.prefix)] as const)
        .sort((a, b) => a[0] - b[0]);
    let total = 0;
    let end = -1;
    for (const [from, to] of ranges) {
        if (to <= end) continue;
        total += to - Math.max(from, end);
        end = to;
    }
    return total;
}
