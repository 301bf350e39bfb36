/** The project files: Pulumi.yaml against Pulumi's own schema, declared keys against the keys the code reads. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import Ajv2020 from "ajv/dist/2020";
import * as YAML from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS } from "../components/config";
import { configReference } from "../tools/config-docs";
import { readSection } from "../tools/readme";
import { listStacks } from "../tools/stack-config";

const root = path.resolve(__dirname, "..");
const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));

describe("project files", () => {
    it("Pulumi.yaml validates against Pulumi's project schema", () => {
        const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "pulumi-project.schema.json"), "utf8"));
        const ajv = new Ajv2020({ strict: false, allErrors: true });
        const validate = ajv.compile(schema);
        const ok = validate(project);
        expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).to.deep.equal([]);
        expect(ok).to.equal(true);
    });

    it("is the lakehouse project on the nodejs runtime", () => {
        expect(project.name).to.equal("lakehouse");
        expect(project.runtime.name ?? project.runtime).to.equal("nodejs");
    });

    it("declares every key the code reads, and reads every key it declares", () => {
        expect(Object.keys(project.config).sort()).to.deep.equal([...CONFIG_KEYS].sort());
    });

    it("gives every declared key a type and a description", () => {
        for (const [key, decl] of Object.entries<any>(project.config)) {
            expect(decl.type, `${key}.type`).to.be.a("string");
            expect(decl.description, `${key}.description`).to.be.a("string").with.length.above(20);
        }
    });

    it("declares the same defaults the code applies", () => {
        for (const key of CONFIG_KEYS) {
            expect(project.config[key].default, `default of ${key}`).to.deep.equal(CONFIG_DEFAULTS[key]);
        }
    });

    it("has dev and prod stacks whose keys are all declared (or are provider config)", () => {
        expect(listStacks(root)).to.include.members(["dev", "prod"]);
        for (const stack of listStacks(root)) {
            const doc = YAML.parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8"));
            for (const key of Object.keys(doc.config ?? {})) {
                const [namespace, name] = key.split(":");
                if (namespace === "lakehouse") expect(CONFIG_KEYS, `${stack}: ${key}`).to.include(name);
                else expect(["azure-native"], `${stack}: ${key}`).to.include(namespace);
            }
        }
    });

    it("pins typescript 5 and imports azure-native only by submodule", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        expect(pkg.devDependencies.typescript).to.match(/^[~^]?5\./);
        const offenders: string[] = [];
        const walk = (dir: string) => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                if (["node_modules", ".git", "bin"].includes(entry.name)) continue;
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) walk(full);
                else if (full.endsWith(".ts") && /from ["']@pulumi\/azure-native["']|require\(["']@pulumi\/azure-native["']\)/.test(fs.readFileSync(full, "utf8"))) {
                    offenders.push(path.relative(root, full));
                }
            }
        };
        walk(root);
        expect(offenders).to.deep.equal([]);
    });
});

describe("configuration reference page", () => {
    it("documents every config key Pulumi.yaml declares, with the defaults the code applies (npm run docs)", () => {
        const page = fs.readFileSync(path.join(root, "docs", "configuration.md"), "utf8");
        expect(readSection(page, "config"), "run `npm run docs`").to.equal(configReference());
        for (const key of Object.keys(project.config)) expect(page, key).to.contain(`\`lakehouse:${key}\``);
        expect(page).to.contain("`azure-native:location`");
    });
});

describe("policy pack layout", () => {
    it("imports nothing from outside policies/, so `pulumi policy publish` uploads a complete pack", () => {
        const policiesDir = path.join(root, "policies");
        const escapes: string[] = [];
        const walk = (dir: string) => {
            for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory() && entry.name !== "node_modules") walk(full);
                else if (entry.name.endsWith(".ts")) {
                    for (const m of fs.readFileSync(full, "utf8").matchAll(/from\s+["'](\.[^"']*)["']/g)) {
                        const target = path.resolve(dir, m[1]);
                        if (!target.startsWith(policiesDir + path.sep)) escapes.push(`${path.relative(root, full)} → ${m[1]}`);
                    }
                }
            }
        };
        walk(policiesDir);
        expect(escapes).to.deep.equal([]);
        const manifest = YAML.parse(fs.readFileSync(path.join(policiesDir, "PulumiPolicy.yaml"), "utf8"));
        expect(manifest.runtime).to.equal("nodejs");
        expect(JSON.parse(fs.readFileSync(path.join(policiesDir, "package.json"), "utf8")).version).to.match(/^\d+\.\d+\.\d+$/);
    });
});
