/**
 * IPv4 ranges as the storage firewall takes them (`1.2.3.4` or `1.2.3.0/24`): parsing, the
 * number of addresses a set of ranges allows (overlaps counted once), and the ranges that are
 * never a public client's address. Pure; the config validation uses it too.
 */

/** A range as [first, last] addresses (inclusive), as unsigned 32-bit numbers. */
export type Ipv4Range = readonly [number, number];

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(\\d|[12]\\d|3[0-2]))?$`);

/** `10.1.0.0/16` → [first, last]; a bare address is a /32; undefined when it is not IPv4. */
export function parseIpv4Range(text: string): Ipv4Range | undefined {
    const m = CIDR.exec(text.trim());
    if (!m) return undefined;
    const address = ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
    const prefix = m[5] === undefined ? 32 : Number(m[5]);
    const size = 2 ** (32 - prefix);
    const first = Math.floor(address / size) * size;
    return [first, first + size - 1];
}

/** The ranges merged where they overlap or touch, sorted. */
export function mergeRanges(ranges: readonly Ipv4Range[]): Ipv4Range[] {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const out: [number, number][] = [];
    for (const [first, last] of sorted) {
        const prev = out[out.length - 1];
        if (prev && first <= prev[1] + 1) prev[1] = Math.max(prev[1], last);
        else out.push([first, last]);
    }
    return out;
}

/** How many addresses the ranges allow together (each address once). */
export function addressCount(ranges: readonly Ipv4Range[]): number {
    return mergeRanges(ranges).reduce((n, [first, last]) => n + (last - first + 1), 0);
}

/** True when two ranges share an address. */
export function rangesOverlap(a: Ipv4Range, b: Ipv4Range): boolean {
    return a[0] <= b[1] && b[0] <= a[1];
}

/**
 * Ranges that are no public client's address, so have no place in a public IP rule: private
 * (RFC 1918), shared/CGNAT (RFC 6598), loopback, link-local, "this network", multicast and the
 * reserved block. Azure storage IP rules refuse private ranges; the others would allow nothing or
 * hide a mistake.
 */
export const RESERVED_IPV4_RANGES: Readonly<Record<string, string>> = {
    "0.0.0.0/8": "this network",
    "10.0.0.0/8": "private (RFC 1918)",
    "100.64.0.0/10": "shared address space / CGNAT (RFC 6598)",
    "127.0.0.0/8": "loopback",
    "169.254.0.0/16": "link-local",
    "172.16.0.0/12": "private (RFC 1918)",
    "192.168.0.0/16": "private (RFC 1918)",
    "224.0.0.0/4": "multicast",
    "240.0.0.0/4": "reserved",
};

/** The reserved ranges (of `reserved`, CIDR → what it is) a range overlaps, as `10.0.0.0/8 (private (RFC 1918))`. */
export function reservedOverlaps(range: Ipv4Range, reserved: Readonly<Record<string, string>> = RESERVED_IPV4_RANGES): string[] {
    const out: string[] = [];
    for (const [cidr, what] of Object.entries(reserved)) {
        const r = parseIpv4Range(cidr);
        if (r && rangesOverlap(range, r)) out.push(what ? `${cidr} (${what})` : cidr);
    }
    return out;
}
