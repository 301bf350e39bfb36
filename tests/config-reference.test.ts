/**
 * The configuration reference (components/settings/reference.ts → docs/configuration.md) against
 * the code: every declared default has a row, every row is a path the parsers accept, every field
 * the parsers accept has a row, and the documented ranges, options and derived defaults are what
 * `resolveConfig` enforces and applies. The parsers are probed, not read: a field list, a range
 * or a default changed in code fails here until the reference says the same.
 */
import { expect } from "chai";
import { CONFIG_DEFAULTS, CONFIG_KEYS, LOCATION_KEY, LakehouseConfig, resolveConfig } from "../components/config";
import { CONFIG_REFERENCE, ReferenceEntry, allowedText, entryFor, pathMatches } from "../components/settings/reference";
import { ConfigIssue, PlainObject, isConfigError } from "../components/settings/validate";
import { CONFIG_SECTIONS, configReference, defaultText, topKey } from "../tools/config-docs";
import { splitPath } from "../tools/stack-config";

const CONTEXT = { project: "lakehouse", stack: "dev", now: new Date("2026-01-15T00:00:00Z") };
/** Every probe declares one role, so role-valued paths have something to name. */
const BASE: PlainObject = { principals: { readers: { group: "data-readers" } } };

/** A concrete example of each placeholder, by the map it keys. */
function concrete(entryPath: string): string {
    return entryPath
        .replace(/^cost\.rates\.<group>\.<region>\.<rate>$/, "cost.rates.vm.westeurope.Standard_D4ds_v5")
        .replace(/^cost\.rates\.<group>\.<rate>$/, "cost.rates.dbu.jobsCompute")
        .replace(/^grants\.<role>/, "grants.pipeline")
        .replace(/<role>/g, "readers")
        .replace(/^adopt\.servingEndpoints\.<key>/, "adopt.servingEndpoints.classifier")
        .replace(/<key>/g, "classifier")
        .replace(/<entity>/g, "champion")
        .replace(/<layer>/g, "gold")
        .replace(/<volume>/g, "raw_files")
        .replace(/<table>/g, "evidence_metadata")
        .replace(/<model>/g, "feedback_processor")
        .replace(/^models\.<name>/, "models.feedback_processor")
        .replace(/<name>/g, "team")
        .replace(/\[i\]/g, "[0]");
}

function setIn(target: unknown, segments: (string | number)[], value: unknown): unknown {
    if (segments.length === 0) return value;
    const [head, ...tail] = segments;
    const container: any = typeof head === "number" ? (Array.isArray(target) ? [...target] : []) : typeof target === "object" && target !== null && !Array.isArray(target) ? { ...target } : {};
    container[head] = setIn(container[head], tail, value);
    return container;
}

/** `resolveConfig` of BASE with `path` set to `value`: the config, or the issues it raised. */
function probe(path: string, value: unknown, base: PlainObject = BASE): { config?: LakehouseConfig; issues: readonly ConfigIssue[] } {
    const { key, segments } = splitPath(path, "lakehouse");
    const name = key.slice("lakehouse:".length);
    const raw: PlainObject = { ...base, [name]: setIn(base[name], segments, value) };
    try {
        return { config: resolveConfig(raw, "westeurope", CONTEXT), issues: [] };
    } catch (err) {
        if (!isConfigError(err)) throw err;
        return { issues: err.issues };
    }
}

const full = (path: string) => `lakehouse:${path}`;
const unknownField = (i: ConfigIssue) => /^a known (field|key)/.test(i.allowed);
const entries = CONFIG_REFERENCE.filter((e) => e.path !== LOCATION_KEY);

/** The path one level up (`a.b[0].c` → `a.b[0]`, `a.b[0]` → `a.b`), or "" at the top. */
function parentOf(path: string): string {
    const m = /^(.*)(\.[^.[]+|\[\d+\])$/.exec(path);
    return m ? m[1] : "";
}

/** The fields the parser accepts beside `path`, from its rejection of an unknown sibling. */
function acceptedSiblings(path: string): string[] | undefined {
    const parent = parentOf(path);
    const sibling = parent ? `${parent}.zzUnknownField` : "zzUnknownField";
    const issue = probe(sibling, 1).issues.find((i) => i.key === full(sibling) && unknownField(i));
    if (!issue) return undefined;
    const listed = /^a known field: (.*)$/.exec(issue.allowed)?.[1] ?? /^a known key \(([^)]*)\)/.exec(issue.allowed)?.[1];
    return listed?.split(", ");
}

/** Every leaf of a plain value, as config paths (empty objects and arrays are leaves). */
function leaves(value: unknown, prefix: string): string[] {
    if (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
        return Object.entries(value).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
    }
    return [prefix];
}

/** True when an entry's path is `concretePath` or lies below it (a leaf that is an empty map). */
function covers(entry: ReferenceEntry, concretePath: string): boolean {
    const depth = concretePath.replace(/\[\d+\]/g, ".[i]").split(".").length;
    const segments = entry.path.replace(/\[i\]/g, ".[i]").split(".");
    if (segments.length < depth) return false;
    const head = segments.slice(0, depth).join(".").replace(/\.\[i\]/g, "[i]");
    return pathMatches(head, concretePath);
}

describe("configuration reference: every key the program reads, and only those", () => {
    it("has an entry for every leaf of the declared defaults", () => {
        const missing = Object.entries(CONFIG_DEFAULTS)
            .flatMap(([key, value]) => leaves(value, key))
            .filter((leaf) => !CONFIG_REFERENCE.some((e) => covers(e, leaf)));
        expect(missing).to.deep.equal([]);
    });

    it("has the region and rows for every lakehouse key, each in a section of the page", () => {
        expect(CONFIG_REFERENCE[0].path).to.equal(LOCATION_KEY);
        const tops = new Set(entries.map((e) => topKey(e.path)));
        expect([...tops].sort()).to.deep.equal([...CONFIG_KEYS].sort());
        const sectioned = CONFIG_SECTIONS.flatMap((s) => s.keys);
        expect([...sectioned].sort()).to.deep.equal([LOCATION_KEY, ...CONFIG_KEYS].sort());
        expect(new Set(CONFIG_REFERENCE.map((e) => e.path)).size, "no path twice").to.equal(CONFIG_REFERENCE.length);
    });

    it("lists only paths the parsers accept: no unknown-field error for the path or anything above it", () => {
        for (const e of entries) {
            const path = concrete(e.path);
            const rejected = probe(path, "x").issues.filter((i) => unknownField(i) && (full(path) === i.key || full(path).startsWith(`${i.key}.`) || full(path).startsWith(`${i.key}[`)));
            expect(rejected, e.path).to.deep.equal([]);
        }
    });

    it("has an entry for every field the parsers accept beside each documented path", () => {
        const checked = new Set<string>();
        const missing: string[] = [];
        for (const e of entries) {
            const path = concrete(e.path);
            const parent = parentOf(path);
            if (checked.has(parent) || /<[^>]+>$/.test(e.path)) continue;
            checked.add(parent);
            const siblings = acceptedSiblings(path);
            expect(siblings, `the parser of ${parent || "the top level"} names the fields it accepts`).to.not.equal(undefined);
            for (const field of siblings!) {
                const sibling = parent ? `${parent}.${field}` : field;
                if (!CONFIG_REFERENCE.some((x) => covers(x, sibling) || pathMatches(x.path, sibling))) missing.push(sibling);
            }
        }
        expect(checked.size).to.be.greaterThan(10);
        expect(missing).to.deep.equal([]);
    });

    it("finds the entry of any concrete path, map keys and list items included", () => {
        expect(entryFor("grants.analysts.schemas.gold")?.path).to.equal("grants.<role>.schemas.<layer>");
        expect(entryFor("serving.rateLimits[3].calls")?.path).to.equal("serving.rateLimits[i].calls");
        expect(entryFor("serving.endpoints.feedback.entities.processor.version")?.path).to.equal("serving.endpoints.<key>.entities.<entity>.version");
        expect(entryFor("serving.traffic")).to.equal(undefined);
        expect(entryFor("pipelines.warehouse.autoStopMinutes")?.range).to.deep.equal({ min: 10, max: 1440 });
    });
});

describe("configuration reference: allowed values and defaults are what the parsers enforce", () => {
    const at = (issues: readonly ConfigIssue[], path: string) => issues.filter((i) => i.key === full(path));

    it("documents each integer range exactly: both bounds accepted, one past each refused", () => {
        const ranged = entries.filter((e) => e.range);
        expect(ranged.length).to.be.greaterThan(8);
        for (const e of ranged) {
            const path = concrete(e.path);
            const { min, max } = e.range!;
            for (const ok of [min, max]) expect(at(probe(path, ok).issues, path), `${e.path} = ${ok}`).to.deep.equal([]);
            for (const bad of [min - 1, max + 1]) expect(at(probe(path, bad).issues, path).map((i) => i.allowed), `${e.path} = ${bad}`).to.deep.equal([`an integer from ${min} to ${max}`]);
        }
    });

    it("documents each list of options exactly: every option accepted, anything else refused naming them all", () => {
        const optioned = entries.filter((e) => e.options);
        expect(optioned.length).to.be.greaterThan(10);
        for (const e of optioned) {
            const path = concrete(e.path);
            for (const option of e.options!) expect(at(probe(path, option).issues, path), `${e.path} = ${option}`).to.deep.equal([]);
            const refused = at(probe(path, "__bogus__").issues, path);
            expect(refused.length, `${e.path} = __bogus__`).to.equal(1);
            for (const option of e.options!) expect(refused[0].allowed, e.path).to.contain(option);
        }
    });

    it("documents booleans as booleans and refused keys as refused", () => {
        for (const e of entries.filter((x) => x.type === "boolean")) {
            expect(at(probe(concrete(e.path), "__bogus__").issues, concrete(e.path)).map((i) => i.allowed), e.path).to.deep.equal(["true or false"]);
        }
        for (const e of entries.filter((x) => x.rejected)) {
            const path = concrete(e.path);
            const refused = at(probe(path, e.path.endsWith("tokens") ? 1000 : { any: 1 }).issues, path);
            expect(refused.length, `${e.path} is refused`).to.equal(1);
            expect(unknownField(refused[0]), `${e.path} is refused with a reason, not as unknown`).to.equal(false);
        }
    });

    it("applies the derived defaults it documents", () => {
        const limits = probe("serving.rateLimits[0].calls", 5).config!.serving.rateLimits[0];
        expect(limits.key).to.equal(entryFor("serving.rateLimits[0].key")!.derived!.replace(/`/g, ""));
        expect(limits.renewalPeriod).to.equal(entryFor("serving.rateLimits[0].renewalPeriod")!.derived!.replace(/`/g, ""));
        const config = probe("serving.endpoints.scoring.entities.only", { model: "feedback_processor", version: 1 }).config!;
        const added = config.serving.endpoints.find((e) => e.key === "scoring")!;
        expect(added.enabled, "a new endpoint key is enabled").to.equal(true);
        expect(added.name).to.equal("lakehouse-scoring");
        expect(added.inferenceTablePrefix).to.equal("lakehouse_scoring");
        expect(added.traffic).to.deep.equal({ only: 100 });
        const large = probe("computeSize", "large", { ...BASE, serving: { endpoints: { classifier: { enabled: true } } } }).config!;
        expect(large.app.name).to.equal("lakehouse-dev-app");
        expect(entryFor("app.computeSize")!.derived).to.contain(`large → ${large.app.computeSize}`);
        expect(entryFor("pipelines.warehouse.size")!.derived).to.contain(`large → ${large.pipelines.warehouse.size}`);
        expect(entryFor("pipelines.nodeType")!.derived).to.contain(`large → ${large.pipelines.cluster.nodeType}`);
        expect(entryFor("serving.endpoints.<key>.entities.<entity>.workloadSize")!.derived).to.contain(`large → ${large.serving.endpoints[0].entities[0].workloadSize}`);
    });

    it("takes the default column from CONFIG_DEFAULTS, never from the catalogue", () => {
        expect(defaultText(entryFor("pipelines.warehouse.autoStopMinutes")!)).to.equal(`\`${JSON.stringify(CONFIG_DEFAULTS.pipelines && (CONFIG_DEFAULTS.pipelines as any).warehouse.autoStopMinutes)}\``);
        expect(defaultText(entryFor("app.name")!)).to.equal("derived: `<namePrefix>-<stack>-app`");
        expect(defaultText(entryFor("principals.readers.group")!)).to.equal("none");
        expect(defaultText(entryFor(LOCATION_KEY)!)).to.equal("(required)");
        for (const e of CONFIG_REFERENCE) expect(Object.keys(e), e.path).to.not.include("default");
    });

    it("renders one short row per entry, long explanations below the tables", () => {
        const page = configReference();
        const rows = CONFIG_REFERENCE.map((e) => page.split("\n").filter((l) => l.startsWith(`| \`${e.path}\` |`)));
        for (const [i, found] of rows.entries()) expect(found.length, CONFIG_REFERENCE[i].path).to.equal(1);
        for (const [row] of rows) expect(row.length, row.slice(0, 60)).to.be.at.most(260);
        for (const e of CONFIG_REFERENCE) expect(e.summary.length, e.path).to.be.at.most(110);
        for (const e of CONFIG_REFERENCE) expect(allowedText(e), `${e.path}: allowed values`).to.not.equal("");
    });
});
