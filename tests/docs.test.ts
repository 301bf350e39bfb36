/**
 * The README and docs/ against the code and the real offline plan: the README stays a front door,
 * every page has a table of contents that resolves, every relative link resolves, every plan
 * command shown is one the plan accepts (and runs), every config path shown is one the program
 * reads, every generated section (stack facts, configuration reference, architecture, grants report,
 * serving preview, policy table, recipes) is what `npm run docs` would write now, and the prose of
 * the recipes says what their real diffs show.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { entryFor } from "../components/settings/reference";
import { generatedSections, orphanSections, renderPages } from "../tools/docs-sections";
import { parseArgs, planDiff, renderDiffDocument } from "../tools/plan";
import { RECIPES, docsDiffer, planCommand } from "../tools/recipe-docs";
import { docPages, headings, links, readSection, withoutCode } from "../tools/readme";
import { TRAINED } from "../tools/scenarios";
import { listStacks, parseOverride } from "../tools/stack-config";
import { planOf } from "./helpers";

const root = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const pages = docPages(root);
const texts: Record<string, string> = Object.fromEntries(pages.map((f) => [f, read(f)]));

/**
 * Pages other branches add (linked from here, written elsewhere): a link to one is accepted while it
 * does not exist yet. Remove an entry once the page is on main.
 */
const PAGES_FROM_OTHER_BRANCHES: string[] = [];

/** The pages this branch writes; the link and contents checks need every one of them. */
const PAGES = ["configuration", "architecture", "grants-and-policies", "serving", "pipelines", "workloads", "app", "networking", "cost", "operations", "adoption", "troubleshooting", "recipes", "verify", "scanner", "policies-escape-classes"].map((p) => `docs/${p}.md`);

/** Shell commands shown in a page (bash blocks and inline code), continuations joined. */
function shellCommands(text: string): string[] {
    // Inline code may wrap across lines of a paragraph.
    const out: string[] = [...withoutCode(text).replace(/\n/g, " ").matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    let fence: string | undefined;
    let pending = "";
    for (const line of text.split("\n")) {
        const f = /^\s*```(\w*)/.exec(line);
        if (f) {
            fence = fence === undefined ? f[1] : undefined;
            continue;
        }
        if (fence !== "bash") continue;
        const joined = pending + line.replace(/^\$ /, "");
        if (joined.endsWith("\\")) {
            pending = `${joined.slice(0, -1)} `;
            continue;
        }
        pending = "";
        out.push(joined);
    }
    return out;
}

/** Splits a shell command line into words (single and double quotes; stops at #, |, >, &&, ;). */
function words(command: string): string[] {
    const out: string[] = [];
    let word = "";
    let quote: string | undefined;
    let started = false;
    for (let i = 0; i < command.length; i++) {
        const c = command[i];
        if (quote) {
            if (c === quote) quote = undefined;
            else word += c;
        } else if (c === "'" || c === '"') {
            quote = c;
            started = true;
        } else if (/\s/.test(c)) {
            if (started) out.push(word);
            word = "";
            started = false;
        } else if ((c === "#" && !started) || c === "|" || c === ">" || c === ";" || (c === "&" && command[i + 1] === "&")) {
            break;
        } else {
            word += c;
            started = true;
        }
    }
    if (started) out.push(word);
    return out;
}

/** Every `npm run plan -- …` shown anywhere, as the page shows it and as arguments. */
const planCommands = pages.flatMap((file) =>
    shellCommands(texts[file])
        .flatMap((c) => [...c.matchAll(/npm run plan --(?: [^`]*)?/g)].map((m) => m[0]))
        .map((shown) => ({ file, shown, args: words(shown).slice(4) })),
);

/** Every `pulumi config set --path PATH …` shown anywhere. */
const configSets = pages.flatMap((file) =>
    shellCommands(texts[file]).flatMap((c) => [...c.matchAll(/pulumi config set --path ([^`]*)/g)].map((m) => ({ file, path: words(m[1])[0] }))),
);

describe("docs: the README is a front door", () => {
    const readme = texts["README.md"];

    it("is at most 250 lines", () => {
        expect(readme.split("\n").length).to.be.at.most(250);
    });

    it("gives the two commands, what they need, and links every docs page", () => {
        expect(readme).to.contain("npm ci && npm run plan");
        expect(readme).to.contain("npm ci && npm test");
        const pkg = JSON.parse(read("package.json"));
        expect(pkg.scripts).to.include.keys(["plan", "test", "bench", "typecheck", "docs"]);
        expect(readme).to.match(/Node\.js 22 or later/);
        expect(pkg.engines.node).to.equal(">=22");
        for (const page of [...PAGES, ...PAGES_FROM_OTHER_BRANCHES]) expect(links(readme).map((l) => l.target.split("#")[0]), page).to.include(page);
    });

    it("deploys for real in order, with the one canonical preview command per stack and existing policy configs", () => {
        const section = readme.slice(readme.indexOf("## Deploying for real"), readme.indexOf("## Documentation"));
        const steps = headings(section).filter((h) => h.level === 3).map((h) => h.text);
        expect(steps.map((s) => s.split(".")[0])).to.deep.equal(["1", "2", "3", "4", "5", "6", "7"]);
        for (const stack of ["dev", "prod"]) expect(section).to.contain(`pulumi preview --policy-pack policies --policy-pack-config policies/config/${stack}.json`);
        for (const [file, text] of Object.entries(texts)) {
            if (file !== "README.md") expect(text, file).to.not.contain("pulumi preview --policy-pack policies");
            for (const m of text.matchAll(/policies\/config\/([a-z0-9<>-]+)\.json/g)) {
                if (!m[1].includes("<")) expect(fs.existsSync(path.join(root, "policies", "config", `${m[1]}.json`)), `${file}: ${m[0]}`).to.equal(true);
            }
        }
    });
});

describe("docs: every page can be navigated", () => {
    it("has every page this issue asks for", () => {
        for (const page of PAGES) expect(pages, page).to.include(page);
    });

    for (const file of PAGES) {
        it(`${file} starts with a title, one paragraph and a contents list whose links are its headings`, () => {
            const text = texts[file];
            const lines = text.split("\n");
            expect(lines[0]).to.match(/^# \S/);
            const contentsAt = lines.indexOf("## Contents");
            expect(contentsAt, "## Contents").to.be.greaterThan(2);
            const intro = lines.slice(1, contentsAt).join("\n").trim();
            expect(intro.length, "an introductory paragraph").to.be.greaterThan(80);
            expect(intro, "one paragraph").to.not.match(/\n\s*\n|^#/m);
            const toc = readSection(text, "toc") ?? "";
            const tocLinks = links(toc).map((l) => l.target);
            const anchors = headings(text).map((h) => `#${h.anchor}`);
            const sections = headings(text).filter((h) => (h.level === 2 || h.level === 3) && h.text !== "Contents");
            expect(sections.length, "sections").to.be.greaterThan(1);
            expect(tocLinks).to.deep.equal(sections.map((h) => `#${h.anchor}`));
            for (const target of tocLinks) expect(anchors, target).to.include(target);
        });
    }

    it("resolves every relative link in README and docs to an existing file and heading", () => {
        const broken: string[] = [];
        for (const file of pages) {
            for (const { target } of links(texts[file])) {
                if (/^[a-z]+:/.test(target)) continue;
                const [rel, anchor] = target.split("#");
                const resolved = rel === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), rel));
                if (!fs.existsSync(path.join(root, resolved))) {
                    if (!PAGES_FROM_OTHER_BRANCHES.includes(resolved)) broken.push(`${file}: ${target} (no ${resolved})`);
                    continue;
                }
                if (anchor === undefined) continue;
                if (!resolved.endsWith(".md")) {
                    broken.push(`${file}: ${target} (an anchor into a file that is not a page)`);
                    continue;
                }
                const target_ = texts[resolved] ?? read(resolved);
                if (!headings(target_).some((h) => h.anchor === anchor)) broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
            }
        }
        expect(broken).to.deep.equal([]);
    });

    it("points every Pulumi.yaml description at its section of the configuration reference", () => {
        const project = YAML.parse(read("Pulumi.yaml"));
        const anchors = headings(texts["docs/configuration.md"]).map((h) => h.anchor);
        for (const [key, decl] of Object.entries<any>(project.config)) {
            const m = /see docs\/configuration\.md#([a-z0-9-]+)\.$/.exec(decl.description);
            expect(m, `${key}: one sentence ending "see docs/configuration.md#<section>."`).to.not.equal(null);
            expect(anchors, key).to.include(m![1]);
            expect(decl.description.split(/[.;] /).length, `${key}: short`).to.be.at.most(3);
            expect(texts["docs/configuration.md"], key).to.contain(`\`lakehouse:${key}\``);
        }
    });
});

describe("docs: every command and config path shown is one the program accepts", () => {
    it("shows plan commands in every page that needs one", () => {
        expect(planCommands.length).to.be.greaterThan(15);
        for (const file of ["README.md", "docs/recipes.md", "docs/serving.md", "docs/architecture.md"]) expect(planCommands.some((c) => c.file === file), file).to.equal(true);
    });

    it("parses every `npm run plan -- …` with the plan's own parser, on a stack that exists", () => {
        const stacks = listStacks(root);
        for (const { file, shown, args } of planCommands) {
            const options = parseArgs(args);
            expect(stacks, `${file}: ${shown}`).to.include(options.stack);
            for (const o of [...options.overrides, ...options.diffSets]) expect(entryFor(o.path), `${file}: ${shown}: ${o.path} is in the configuration reference`).to.not.equal(undefined);
        }
    });

    it("runs every plan command shown without a config error", async function () {
        this.timeout(180_000);
        const seen = new Set<string>();
        for (const { file, shown, args } of planCommands) {
            const options = parseArgs(args);
            if (options.help) continue;
            const key = JSON.stringify([options.stack, options.overrides, options.diffSets]);
            if (seen.has(key)) continue;
            seen.add(key);
            const sets = options.overrides.map((o) => `${o.path}=${o.value}`);
            try {
                if (options.diffSets.length > 0) await planDiff(options.stack, options.overrides, options.diffSets);
                else await planOf(options.stack, ...sets);
            } catch (err) {
                expect.fail(`${file}: ${shown}: ${(err as Error).message}`);
            }
        }
    });

    it("names only config paths the configuration reference documents in `pulumi config set --path`", () => {
        expect(configSets.length).to.be.greaterThan(20);
        for (const { file, path: p } of configSets) expect(entryFor(p), `${file}: ${p}`).to.not.equal(undefined);
    });

    it("uses engine-true URNs: no root stack type in a child's type chain", () => {
        for (const [file, text] of Object.entries(texts)) expect(text, file).to.not.contain("pulumi:pulumi:Stack$");
    });

    it("names only resource and component types the plan registers, and every component", async () => {
        const plans = await Promise.all([planOf("dev", ...TRAINED), planOf("prod")]);
        const types = new Set(plans.flatMap((p) => p.document.resources.map((r) => r.type)));
        for (const [file, text] of Object.entries(texts)) {
            for (const m of text.matchAll(/(?:lakehouse:[a-z]+:[A-Z][A-Za-z]+|databricks:index\/[A-Za-z]+:[A-Za-z]+|azure-native:[a-z]+:[A-Za-z]+)/g)) {
                expect(types.has(m[0]), `${file}: ${m[0]}`).to.equal(true);
            }
        }
        for (const t of types) if (t.startsWith("lakehouse:")) expect(texts["docs/architecture.md"], t).to.contain(`\`${t}\``);
    });
});

describe("docs: generated sections are what `npm run docs` writes now", () => {
    let sections: Record<string, Record<string, string>>;
    before(async function () {
        this.timeout(180_000);
        sections = await generatedSections((stack, sets) => planOf(stack, ...sets));
    });

    it("has a generator for every marker and a marker for every generator", () => {
        expect(orphanSections(texts, sections)).to.deep.equal([]);
    });

    for (const file of pages) {
        it(`${file} is up to date (run \`npm run docs\`)`, () => {
            const rendered = renderPages({ [file]: texts[file] }, sections)[file];
            expect(texts[file] === rendered, `${file} is stale: run \`npm run docs\``).to.equal(true);
        });
    }

    it("states the plan's facts in the README from the plan: resources, endpoints, app, policies", async () => {
        const facts = readSection(texts["README.md"], "stack-facts")!;
        for (const stack of ["dev", "prod"]) {
            const { document } = await planOf(stack);
            expect(facts).to.contain(`| \`${stack}\` | ${document.resources.length} |`);
        }
        const dev = await planOf("dev");
        expect(dev.document.resources.some((r) => r.type === "databricks:index/app:App"), "dev has no app by default").to.equal(false);
        expect(facts).to.match(/\| `dev` \|[^\n]*\| none yet: waits for/);
    });

    it("shows the principals, payload auditors and grants matrix the prod stack file sets, and dev's the same without the auditors", () => {
        const page = texts["docs/grants-and-policies.md"];
        const block = /```yaml\n(  lakehouse:principals:[\s\S]*?)```/.exec(page);
        expect(block, "the stack files' matrix is shown").to.not.equal(null);
        const shown = YAML.parse(block![1]);
        const prod = YAML.parse(read("Pulumi.prod.yaml")).config;
        const dev = YAML.parse(read("Pulumi.dev.yaml")).config;
        for (const key of ["lakehouse:principals", "lakehouse:payloadAuditors", "lakehouse:grants"]) expect(shown[key], `prod: ${key}`).to.deep.equal(prod[key]);
        expect(dev["lakehouse:grants"]).to.deep.equal(prod["lakehouse:grants"]);
        expect(dev["lakehouse:payloadAuditors"]).to.equal(undefined);
        const { auditors, ...others } = prod["lakehouse:principals"];
        expect(auditors).to.deep.equal(shown["lakehouse:principals"].auditors);
        expect(dev["lakehouse:principals"]).to.deep.equal(others);
    });

    it("says truly that the app's grants appear on dev once its endpoint is enabled", async () => {
        const roles = async (...sets: string[]) => Object.values((await planOf("dev", ...sets)).document.principalRoles);
        expect(await roles()).to.not.include("app");
        expect(await roles(...TRAINED)).to.include("app");
        expect(texts["docs/grants-and-policies.md"].replace(/\s+/g, " ")).to.contain("The app's grants appear once the app exists (on dev, once its endpoint is enabled).");
    });
});

describe("docs: the recipes", () => {
    it("show each recipe's plan command exactly as the generator writes it", () => {
        for (const recipe of RECIPES) {
            const section = readSection(texts["docs/recipes.md"], `recipe-${recipe.id}`);
            expect(section, recipe.id).to.contain(planCommand(recipe));
            expect(section, recipe.id).to.contain(`--stack ${recipe.stack}`);
        }
    });

    it("say in prose only what the real diff shows", async function () {
        this.timeout(180_000);
        for (const recipe of RECIPES) {
            const doc = await docsDiffer(recipe.stack, (recipe.scenario ?? []).map(parseOverride), recipe.changes.map(parseOverride));
            for (const claim of recipe.claims) expect(claim.holds(doc.diff, doc), `${recipe.id}: ${claim.says}`).to.equal(true);
            expect(readSection(texts["docs/recipes.md"], `recipe-${recipe.id}`), recipe.id).to.contain(renderDiffDocument(doc));
        }
    });

    it("print, run as shown, exactly the output the page shows", function () {
        this.timeout(120_000);
        const recipe = RECIPES.find((r) => r.id === "traffic")!;
        const shown = readSection(texts["docs/recipes.md"], "recipe-traffic")!;
        const command = shellCommands(shown).find((c) => c.startsWith("npm run plan"))!;
        // As the page was generated: without the providers `npm run verify` may have built on this machine.
        const env = { ...process.env, LAKEHOUSE_VERIFY_PROVIDERS: "off" };
        const result = spawnSync(process.execPath, ["-r", "./tools/register.js", "tools/plan.ts", ...words(command).slice(4)], { cwd: root, encoding: "utf8", timeout: 60_000, env });
        expect(result.status, result.stderr).to.equal(0);
        const printed = /```text\n([\s\S]*?)\n```/.exec(shown)![1];
        expect(result.stdout.trimEnd()).to.equal(printed);
        expect(recipe.commands).to.equal(true);
    });
});
