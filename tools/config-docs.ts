/**
 * The configuration reference page (docs/configuration.md, section `config`): one table per
 * concern with one row per config path — key, type, default, allowed values, what it sets — and the
 * long explanations below each table. Rows come from `components/settings/reference.ts`, defaults
 * from `CONFIG_DEFAULTS` (what `Pulumi.yaml` declares, tested equal), so the page cannot drift from
 * the keys the program reads or the defaults it applies. `npm run docs` writes it.
 */
import * as YAML from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY } from "../components/config";
import { CONFIG_REFERENCE, ReferenceEntry, allowedText } from "../components/settings/reference";

/** The page's sections: a title and the top-level keys whose rows it holds, in order. */
export const CONFIG_SECTIONS: readonly { title: string; keys: readonly string[] }[] = [
    { title: "Platform", keys: [LOCATION_KEY, "environment", "protectData", "namePrefix", "tags", "computeSize", "secretRotationDays"] },
    { title: "Network", keys: ["network"] },
    { title: "Security", keys: ["security"] },
    { title: "Storage", keys: ["storage"] },
    { title: "Unity Catalog names", keys: ["catalog", "schema", "layers", "landingVolume", "metadataTable", "metastoreId", "models"] },
    { title: "Principals", keys: ["principals"] },
    { title: "Grants", keys: ["grants", "payloadAuditors"] },
    { title: "Serving", keys: ["serving"] },
    { title: "Pipelines", keys: ["pipelines"] },
    { title: "App", keys: ["app"] },
    { title: "Adopt", keys: ["adopt"] },
    { title: "Cost", keys: ["cost"] },
];

/** The top-level key of a path (`serving.traffic.<entity>` → `serving`; the location keeps its namespace). */
export function topKey(entryPath: string): string {
    return entryPath === LOCATION_KEY ? entryPath : entryPath.split(/[.[]/)[0];
}

/** The anchor of a top-level key's section on docs/configuration.md (e.g. `serving`). */
export function configAnchor(key: string): string {
    const section = CONFIG_SECTIONS.find((s) => s.keys.includes(key));
    if (!section) throw new Error(`no configuration section holds ${key}`);
    return section.title.toLowerCase().replace(/ /g, "-");
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isPlaceholder = (segment: string) => /^<.*>$/.test(segment) || segment === "[i]";
const segments = (entryPath: string) => entryPath.replace(/\[i\]/g, ".[i]").split(".");

/** Looks a concrete path up in the declared defaults; `found: false` when it has none. */
function declared(segs: string[]): { found: boolean; value?: unknown } {
    let at: unknown = CONFIG_DEFAULTS;
    for (const s of segs) {
        if (!isObject(at) || !(s in at)) return { found: false };
        at = at[s];
    }
    return { found: true, value: at };
}

const SHORT = 50;

/** The default cell of a row: declared (from CONFIG_DEFAULTS), derived (in words), or none. */
export function defaultText(entry: ReferenceEntry): string {
    if (entry.path === LOCATION_KEY) return "(required)";
    if (entry.rejected) return "-";
    if (entry.derived !== undefined) return `derived: ${entry.derived}`;
    const segs = segments(entry.path);
    const first = segs.findIndex(isPlaceholder);
    if (first < 0) {
        const d = declared(segs);
        if (!d.found) return "unset";
        const json = JSON.stringify(d.value);
        return json.length <= SHORT ? `\`${json}\`` : "see below";
    }
    if (segs[first] === "[i]") return "-";
    // A key of a map: the map's declared default, when it is short and this is its value; else below.
    const container = declared(segs.slice(0, first));
    if (!container.found || (isObject(container.value) && Object.keys(container.value).length === 0)) return "none";
    const json = JSON.stringify(container.value);
    return first === segs.length - 1 && json.length <= SHORT ? `\`${json}\` (the map)` : "see below";
}

function row(entry: ReferenceEntry): string {
    return `| \`${entry.path}\` | ${entry.type} | ${cell(defaultText(entry))} | ${cell(allowedText(entry))} | ${cell(entry.summary)} |`;
}

/** The entries of one section, in catalogue order. */
export function sectionEntries(keys: readonly string[]): ReferenceEntry[] {
    return CONFIG_REFERENCE.filter((e) => keys.includes(topKey(e.path)));
}

/** The generated body of docs/configuration.md: per section a heading, the table, the details, the declared defaults. */
export function configReference(): string {
    const out: string[] = [];
    for (const section of CONFIG_SECTIONS) {
        const entries = sectionEntries(section.keys);
        const names = section.keys.map((k) => `\`${k.includes(":") ? k : `lakehouse:${k}`}\``).join(", ");
        out.push(`## ${section.title}`, "", `Keys: ${names}.`, "");
        out.push("| key | type | default | allowed | what it sets |", "|---|---|---|---|---|", ...entries.map(row), "");
        for (const e of entries.filter((x) => x.details)) out.push(`**\`${e.path}\`**: ${e.details}`, "");
        const long = section.keys.filter((k) => entries.some((e) => topKey(e.path) === k && defaultText(e) === "see below"));
        for (const key of long) {
            out.push(`Default of \`lakehouse:${key}\`, as \`Pulumi.yaml\` declares it:`, "", "```yaml", YAML.stringify({ [key]: CONFIG_DEFAULTS[key] }).trimEnd(), "```", "");
        }
    }
    return out.join("\n").trimEnd();
}

/** Every config key with its section anchor: what `Pulumi.yaml`'s descriptions point at. */
export function configAnchors(): Record<string, string> {
    return Object.fromEntries(CONFIG_KEYS.map((k) => [k, `docs/configuration.md#${configAnchor(k)}`]));
}
