/**
 * Issue 14, classes a–g: kinds of change that used to put a broad grant or an insecure setting
 * into the plan with exit 0. Each class has a `describe` of its own with cases beyond the issue's
 * example; `docs/policies-escape-classes.md` explains the rule each one now enforces.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { allPolicies, productionPolicies } from "../policies/rules";
import { actAsOnlyAllowed } from "../policies/rules/act-as";
import { dataProtectedInProduction, noForceDestroyInProduction } from "../policies/rules/data-protection";
import { entraPasswordLifetime } from "../policies/rules/entra";
import { ResourceUnderPolicy, runPolicies, stackPolicyConfig } from "../policies/runner";
import { resolvedConfig } from "../tools/plan";
import { derivedAllowances, derivedPayloadAuditors, derivedPolicyConfig, formatPolicyConfig, grantsAllowance, withDerived } from "../tools/policy-allowances";
import { addressCount, parseIpv4Range, reservedOverlaps } from "../policies/rules/ipv4";
import { planTrained as planOf, rejectedConfig } from "./helpers";
import { scopeMatches, ucBroadGroupsDiscoveryOnly, ucNoRiskyPrivileges, ucOneAuthorityPerSecurable, ucLeastPrivilegeAllowance } from "../policies/rules/grants";
import { permissionsManageAdminsOnly, permissionsNoBroadManage, secretAclNoBroadGroups } from "../policies/rules/databricks-access";
import { normalizePrincipal, samePrincipal } from "../policies/rules/principals";
import { ANALYSTS, PIPELINE_APP_ID, SECURE_ACCOUNT, T, grants, pipelineSp, res, violationsOf } from "./policy-fixtures";

const productionResourceGroup = () => res("azure-native:resources:ResourceGroup", { resourceGroupName: "rg", tags: { environment: "production" } });
const developmentResourceGroup = () => res("azure-native:resources:ResourceGroup", { resourceGroupName: "rg", tags: { environment: "development" } });
const messages = async (...args: Parameters<typeof violationsOf>) => (await violationsOf(...args)).map((v) => v.message);

describe("escape class a: every role has an allowance of its own, layer by layer", () => {
    const allowanceFindings = async (stack: string, ...sets: string[]) =>
        (await planOf(stack, ...sets)).document.policies.violations.filter((v) => v.policy === "uc-least-privilege-allowance" && v.level === "mandatory").map((v) => v.message);

    it("fails grants.app.models=[EXECUTE] on prod: the app reads gold only (the issue's example)", async () => {
        const found = await allowanceFindings("prod", 'grants.app.models=["EXECUTE"]');
        expect(found).to.have.length(3);
        for (const m of found) expect(m).to.match(/^role:app \(.*\) would hold more than its allowance \(role:app\) from registered model lakehouse_prod\.lakehouse_gold\.\w+: EXECUTE on it \(allowed on a registered model: none\)\.$/);
    });

    it("fails the app given the bronze layer, the raw files, or SELECT on the whole catalog", async () => {
        expect(await allowanceFindings("prod", 'grants.app.schemas.bronze=["USE_SCHEMA","SELECT"]')).to.deep.equal([
            "role:app (6170702d-7370-4d6c-816b-65686f757365) would hold more than its allowance (role:app) from schema lakehouse_prod.lakehouse_bronze: SELECT on it (allowed on a schema: USE_SCHEMA); SELECT on every table in it (allowed on a table: none); SELECT on every view in it (allowed on a view: none).",
        ]);
        expect((await allowanceFindings("prod", 'grants.app.volumes=["READ_VOLUME"]'))[0]).to.match(/from volume lakehouse_prod\.lakehouse_bronze\.raw_files: READ_VOLUME on it \(allowed on a volume: none\)/);
        expect((await allowanceFindings("prod", 'grants.app.catalog=["USE_CATALOG","SELECT"]'))[0]).to.match(/\(role:app\) from catalog lakehouse_prod: SELECT on it .*SELECT on every schema in it/);
    });

    it("fails a declared reader of silver and gold given bronze, the raw files or the models", async () => {
        expect((await allowanceFindings("prod", 'grants.analysts.schemas.bronze=["USE_SCHEMA","SELECT"]'))[0]).to.match(/^"data-analysts" would hold more than its allowance \(data-analysts\) from schema lakehouse_prod\.lakehouse_bronze: SELECT on it \(allowed on a schema: USE_SCHEMA\)/);
        expect((await allowanceFindings("prod", 'grants.analysts.volumes=["READ_VOLUME"]'))[0]).to.match(/from volume lakehouse_prod\.lakehouse_bronze\.raw_files: READ_VOLUME/);
        expect(await allowanceFindings("prod", 'grants.analysts.models=["EXECUTE"]')).to.have.length(3);
        expect((await allowanceFindings("dev", 'grants.analysts.catalog=["USE_CATALOG","SELECT"]'))[0]).to.match(/from catalog lakehouse_dev: SELECT on it/);
    });

    it("holds a new declared role that policy config does not name to discovery and viewing", async () => {
        const found = await allowanceFindings("prod", "principals.reviewers.group=reviewers", 'grants.reviewers.schemas.gold=["USE_SCHEMA","SELECT"]');
        expect(found).to.deep.equal([
            '"reviewers" would hold more than its allowance (defaultAllowance) from schema lakehouse_prod.lakehouse_gold: SELECT on it (allowed on a schema: USE_SCHEMA); SELECT on every table in it (allowed on a table: none); SELECT on every view in it (allowed on a view: none).',
        ]);
        expect(await allowanceFindings("prod", "principals.reviewers.group=reviewers", 'pipelines.permissions.view=["reviewers"]')).to.deep.equal([]);
    });

    it("fails workspace access the policy config does not allow a declared role: querying the endpoints", async () => {
        const found = await allowanceFindings("prod", 'serving.consumers=["analysts"]');
        expect(found.length).to.be.greaterThan(0);
        for (const m of found) expect(m).to.match(/^"data-analysts" would hold more than its allowance \(data-analysts\) from the servingEndpoint \(Permissions \w+-query\): CAN_QUERY on it \(allowed on a servingEndpoint: CAN_VIEW\)\.$/);
    });

    it("keeps the shipped policy configs' allowances and payload auditors equal to what the shipped stack configs grant", async () => {
        for (const stack of ["dev", "prod"]) {
            const { run } = await planOf(stack);
            const config = resolvedConfig(run);
            const shipped = stackPolicyConfig(stack);
            const hint = `policies/config/${stack}.json (npm run policy-config -- --stack ${stack} --write)`;
            expect((shipped["uc-least-privilege-allowance"] as { allowances: Record<string, unknown> }).allowances, hint).to.deep.equal(derivedAllowances(config));
            expect((shipped["serving-payloads-private"] as { auditors?: string[] } | undefined)?.auditors ?? [], hint).to.deep.equal(derivedPayloadAuditors(config));
        }
    });

    it("approves a new reader once the derived policy config is in place, and nothing more (npm run policy-config -- --write)", async () => {
        const sets = ["principals.readers.group=data-readers", 'grants.readers.catalog=["USE_CATALOG"]', 'grants.readers.schemas.gold=["USE_SCHEMA","SELECT"]'];
        const { run, document } = await planOf("dev", ...sets);
        expect(document.policies.violations.filter((v) => v.level === "mandatory").map((v) => v.policy)).to.include("uc-least-privilege-allowance");
        const approved = withDerived(stackPolicyConfig("dev"), derivedPolicyConfig(resolvedConfig(run)));
        const report = await runPolicies(allPolicies, run.resources, approved);
        expect(report.violations.filter((v) => v.level === "mandatory")).to.deep.equal([]);
        // The approval is exactly the request: reading gold, not bronze.
        expect((approved["uc-least-privilege-allowance"] as any).allowances["data-readers"]).to.deep.equal({
            catalog: ["USE_CATALOG"],
            "schema:gold": ["SELECT", "USE_SCHEMA"],
            "table:gold": ["SELECT"],
            "view:gold": ["SELECT"],
        });
        // Every other approval in the file is kept.
        expect(approved["uc-no-risky-privileges"]).to.deep.equal(stackPolicyConfig("dev")["uc-no-risky-privileges"]);
    });

    it("writes the shipped policy configs exactly as they are committed (the derivation and its format are stable)", async () => {
        for (const stack of ["dev", "prod"]) {
            const { run } = await planOf(stack);
            const written = `${formatPolicyConfig(withDerived(stackPolicyConfig(stack), derivedPolicyConfig(resolvedConfig(run))))}\n`;
            expect(written, `npm run policy-config -- --stack ${stack} --write`).to.equal(fs.readFileSync(path.join(__dirname, "..", "policies", "config", `${stack}.json`), "utf8"));
        }
    });

    it("derives an allowance securable by securable: a layer's schema and what it passes down, one volume, one table, one model", () => {
        expect(
            grantsAllowance({
                catalog: ["USE_CATALOG"],
                schemas: { gold: ["USE_SCHEMA", "SELECT", "EXECUTE"] },
                volumes: { raw_files: ["READ_VOLUME"] },
                tables: { evidence_metadata: ["SELECT"] },
                models: { classifier: ["EXECUTE"] },
            }),
        ).to.deep.equal({
            catalog: ["USE_CATALOG"],
            "schema:gold": ["EXECUTE", "SELECT", "USE_SCHEMA"],
            "table:gold": ["SELECT"],
            "view:gold": ["SELECT"],
            "registered_model:gold": ["EXECUTE"],
            "function:gold": ["EXECUTE"],
            "volume:bronze.raw_files": ["READ_VOLUME"],
            "table:bronze.evidence_metadata": ["SELECT"],
            "registered_model:gold.classifier": ["EXECUTE"],
        });
    });

    it("scopes an allowance to a layer by the schema's name or its layer suffix, and to an object by its exact name", () => {
        expect(scopeMatches("gold", ["lakehouse_gold"])).to.equal(true);
        expect(scopeMatches("gold", ["gold"])).to.equal(true);
        expect(scopeMatches("gold", ["lakehouse_golden"])).to.equal(false);
        expect(scopeMatches("gold", ["lakehouse_bronze", "gold"])).to.equal(false);
        expect(scopeMatches("bronze.raw_files", ["lakehouse_bronze", "raw_files"])).to.equal(true);
        expect(scopeMatches("bronze.files", ["lakehouse_bronze", "raw_files"]), "no suffix matching below the layer").to.equal(false);
        expect(scopeMatches("gold.t", ["lakehouse_gold"]), "one table's scope does not cover every table of the schema").to.equal(false);
        expect(scopeMatches("*", ["anything"])).to.equal(true);
    });

    it("judges privileges passed down from the catalog against kind-wide allowances only (they reach every layer)", async () => {
        const allowances = { [ANALYSTS]: { catalog: ["USE_CATALOG", "SELECT"], "schema:gold": ["SELECT"], "table:gold": ["SELECT"], "view:gold": ["SELECT"] } };
        const found = await messages(ucLeastPrivilegeAllowance, [grants({ catalog: "lake" }, [[ANALYSTS, ["USE_CATALOG", "SELECT"]]])], { allowances });
        expect(found).to.deep.equal([
            '"data-analysts" would hold more than its allowance (data-analysts) from catalog lake: SELECT on every schema in it (allowed on a schema: USE_SCHEMA); SELECT on every table in it (allowed on a table: none); SELECT on every view in it (allowed on a view: none).',
        ]);
    });

    it("leaves a layer-scoped judgement to `pulumi up` while the securable's name is not known", async () => {
        const allowances = { [ANALYSTS]: { "schema:gold": ["USE_SCHEMA", "SELECT"], "table:gold": ["SELECT"], "view:gold": ["SELECT"] } };
        expect(await messages(ucLeastPrivilegeAllowance, [grants({ schema: "[unknown]" }, [[ANALYSTS, ["SELECT"]]])], { allowances })).to.deep.equal([]);
        expect(await messages(ucLeastPrivilegeAllowance, [grants({ schema: "[unknown]" }, [[ANALYSTS, ["MODIFY"]]])], { allowances }), "no layer allows MODIFY: known to be too much").to.have.length(1);
    });
});

describe("escape class b: permissions that act through a more privileged identity are judged by that identity", () => {
    const actAs = (report: { violations: { policy: string; level: string; message: string }[] }) =>
        report.violations.filter((v) => v.policy === "act-as-only-allowed-principals" && v.level === "mandatory").map((v) => v.message);
    const PIPELINE = "636c6965-6e74-4d61-8070-6c6963617469";

    it('fails pipelines.permissions.run=["analysts"]: CAN_MANAGE_RUN on the job and CAN_RUN on the pipeline act as the pipeline principal (the issue\'s example)', async () => {
        for (const stack of ["dev", "prod"]) {
            const { document } = await planOf(stack, 'pipelines.permissions.run=["analysts"]');
            expect(actAs(document.policies), stack).to.deep.equal([
                `"data-analysts" gets CAN_RUN on pipeline medallion, so it could act as role:pipeline (${PIPELINE}) with that identity's privileges; only the identity itself, the admins (none) and the principals allowed to act as it (config "actAs": none) may.`,
                `"data-analysts" gets CAN_MANAGE_RUN on job full-run, so it could act as role:pipeline (${PIPELINE}) with that identity's privileges; only the identity itself, the admins (none) and the principals allowed to act as it (config "actAs": none) may.`,
            ]);
        }
    });

    it("no longer counts CAN_MANAGE_RUN or CAN_RUN as read-only: the default allowance has neither", async () => {
        const { document } = await planOf("dev", "principals.operators.group=Data Ops", 'pipelines.permissions.run=["operators"]');
        const allowance = document.policies.violations.filter((v) => v.policy === "uc-least-privilege-allowance").map((v) => v.message);
        expect(allowance.some((m) => m.includes("CAN_MANAGE_RUN on it (allowed on a job: CAN_VIEW)"))).to.equal(true);
        expect(allowance.some((m) => m.includes("CAN_RUN on it (allowed on a pipeline: CAN_VIEW)"))).to.equal(true);
    });

    it("lets a role run the pipeline's job only when policy config allows it to act as the pipeline", async () => {
        const { run } = await planOf("prod", "principals.operators.group=Data Ops", 'pipelines.permissions.run=["operators"]');
        const withoutApproval = await runPolicies([actAsOnlyAllowed], run.resources, {});
        expect(withoutApproval.violations).to.have.length(2);
        const approved = await runPolicies([actAsOnlyAllowed], run.resources, { "act-as-only-allowed-principals": { actAs: { "role:pipeline": ["Data Ops"] } } });
        expect(approved.violations).to.deep.equal([]);
        const byAdmins = await runPolicies([actAsOnlyAllowed], run.resources, { "act-as-only-allowed-principals": { admins: ["data ops"] } });
        expect(byAdmins.violations).to.deep.equal([]);
    });

    it("keeps view-only access (pipelines.permissions.view) within the rule", async () => {
        expect(actAs((await planOf("prod", 'pipelines.permissions.view=["analysts"]')).document.policies)).to.deep.equal([]);
    });

    it("fails edit rights on the code a job or pipeline runs, and on the run-as principal's home folder", async () => {
        const { run } = await planOf("prod");
        const folder = `/Users/${PIPELINE}/lakehouse-prod`;
        const extra = (props: Record<string, unknown>, level: string) => [...run.resources, res(T.permissions, { ...props, accessControls: [{ groupName: ANALYSTS, permissionLevel: level }] })];
        const found = async (resources: ResourceUnderPolicy[]) => (await runPolicies([actAsOnlyAllowed], resources, {})).violations.map((v) => v.message);
        expect((await found(extra({ workspaceFilePath: `${folder}/medallion/payments.py` }, "CAN_EDIT")))[0]).to.match(/gets CAN_EDIT on code that pipeline medallion runs, so it could act as role:pipeline/);
        expect((await found(extra({ directoryPath: `/Workspace${folder}/jobs` }, "CAN_MANAGE")))[0]).to.match(/gets CAN_MANAGE on code that job full-run runs/);
        expect((await found(extra({ directoryPath: `/Users/${PIPELINE}` }, "CAN_EDIT")))[0]).to.match(/code that (job|pipeline)/);
        expect((await found(extra({ directoryPath: `/Users/${PIPELINE}/scratch` }, "CAN_EDIT")))[0], "anything in its home folder").to.match(/gets CAN_EDIT on the home folder of role:pipeline/);
        expect(await found(extra({ directoryPath: folder }, "CAN_READ")), "reading the code runs nothing").to.deep.equal([]);
        expect(await found(extra({ directoryPath: "/Shared/analysts" }, "CAN_MANAGE"))).to.deep.equal([]);
    });

    it("fails any ACL on the secret scope that holds the pipeline's client secret, and not on other scopes", async () => {
        const { run } = await planOf("prod");
        const acl = (scope: string, permission: string) => [...run.resources, res(T.secretAcl, { scope, principal: ANALYSTS, permission })];
        const found = async (resources: ResourceUnderPolicy[]) => (await runPolicies([actAsOnlyAllowed], resources, {})).violations.map((v) => v.message);
        expect(await found(acl("lakehouse-prod-platform", "READ"))).to.deep.equal([
            `"data-analysts" gets READ on secret scope lakehouse-prod-platform, which holds the client secret of role:pipeline (key pipeline-client-secret), so it could act as role:pipeline with that identity's privileges; only the identity itself, the admins (none) and the principals allowed to act as it (config "actAs": none) may.`,
        ]);
        expect(await found(acl("lakehouse-prod-app", "READ")), "the app's form-signing key is no identity's credential").to.deep.equal([]);
        expect(await found(run.resources), "the pipeline principal reads its own secret").to.deep.equal([]);
    });

    it("fails CAN_MANAGE on the app (it deploys code that runs as the app's service principal) unless allowed to act as the app", async () => {
        const sets = ["principals.appadmins.group=platform-admins", 'app.owners=["appadmins"]'];
        const { run, document } = await planOf("prod", ...sets);
        expect(actAs(document.policies)).to.deep.equal([
            '"platform-admins" gets CAN_MANAGE on app app, so it could act as role:app with that identity\'s privileges; only the identity itself, the admins (none) and the principals allowed to act as it (config "actAs": none) may.',
        ]);
        expect((await runPolicies([actAsOnlyAllowed], run.resources, { "act-as-only-allowed-principals": { actAs: { "role:app": ["platform-admins"] } } })).violations).to.deep.equal([]);
    });
});

describe("escape class c: production enforcement follows the stack's declared environment, not its file names", () => {
    const root = path.join(__dirname, "..");
    const productionNames = () => productionPolicies.map((p) => p.name);
    const productionFindings = (report: { violations: { policy: string; level: string; message: string; urn: string }[] }) =>
        report.violations.filter((v) => productionNames().includes(v.policy)).map((v) => `${v.level} ${v.policy}: ${v.message}`);

    it("gives a copy of Pulumi.prod.yaml under a new stack name, without a policy config of its own, production enforcement: the issue's example", async () => {
        const copy = path.join(root, "Pulumi.prodcopy.yaml");
        fs.copyFileSync(path.join(root, "Pulumi.prod.yaml"), copy);
        try {
            expect(fs.existsSync(path.join(root, "policies", "config", "prodcopy.json"))).to.equal(false);
            const sets = ["storage.sku=Standard_ZRS", "secretRotationDays=365"];
            const copied = await planOf("prodcopy", ...sets);
            const prod = await planOf("prod", ...sets);
            const found = productionFindings(copied.document.policies);
            expect(found).to.deep.equal(productionFindings(prod.document.policies));
            expect(found).to.include.members([
                "mandatory storage-geo-redundant-replication: sku is Standard_ZRS; use one of Standard_GRS, Standard_RAGRS, Standard_GZRS, Standard_RAGZRS for geo-redundancy.",
                "mandatory entra-password-max-lifetime: the secret stays valid for 395 days; the maximum is 120 in production.",
            ]);
        } finally {
            fs.rmSync(copy, { force: true });
        }
    });

    it("gives the shipped prod plan the same verdicts with prod's policy config, dev's, or none", async () => {
        const { run } = await planOf("prod", "storage.sku=Standard_LRS");
        const unprotected = run.resources.map((r) => (r.type === T.catalog ? { ...r, protect: false } : r));
        const verdicts = [];
        for (const config of [stackPolicyConfig("prod"), stackPolicyConfig("dev"), {}]) verdicts.push(productionFindings(await runPolicies(allPolicies, unprotected, config)));
        expect(verdicts[0]).to.have.length(2);
        for (const v of verdicts) expect(v).to.deep.equal(verdicts[0]);
    });

    it("lets no policy config turn production off", async () => {
        const resources = [res(T.account, { ...SECURE_ACCOUNT, sku: { name: "Standard_ZRS" }, tags: { environment: "production" } })];
        for (const p of productionPolicies.filter((x) => x.name === "storage-geo-redundant-replication")) {
            expect(await violationsOf(p, resources, { production: false })).to.have.length(1);
        }
        const catalog = res(T.catalog, { name: "lake" }, { protect: false });
        expect(await violationsOf(dataProtectedInProduction, [productionResourceGroup(), catalog], { production: false })).to.have.length(1);
    });

    it("reads the environment from any resource's tags, in Azure's map or Databricks' key/value list, in any case and spacing", async () => {
        const endpointTagged = res(T.serving, { name: "e", tags: [{ key: "Environment", value: " PROD " }] });
        expect(await violationsOf(dataProtectedInProduction, [endpointTagged, res(T.schema, { name: "gold", catalogName: "lake" })])).to.have.length(1);
        const clusterTagged = res(T.cluster, { clusterName: "c", customTags: { environment: "Production" } });
        expect(await violationsOf(noForceDestroyInProduction, [clusterTagged, res(T.schema, { name: "gold", catalogName: "lake", forceDestroy: true }, { protect: true })])).to.have.length(1);
    });

    it("reads the environment from the stack's own tags when no resource carries one", async () => {
        const resources = [res(T.schema, { name: "gold", catalogName: "lake" }, { protect: false })];
        const policy = [dataProtectedInProduction];
        expect((await runPolicies(policy, resources, {}, new Map([["environment", "production"]]))).violations).to.have.length(1);
        expect((await runPolicies(policy, resources, {}, new Map([["lakehouse:environment", "Production"]]))).violations).to.have.length(1);
        expect((await runPolicies(policy, resources, {}, new Map([["environment", "development"]]))).violations).to.deep.equal([]);
    });

    it("keeps production rules quiet in a development stack unless its policy config opts in", async () => {
        const resources = [res(T.account, { ...SECURE_ACCOUNT, sku: { name: "Standard_ZRS" }, tags: { environment: "development" } })];
        const geo = productionPolicies.find((p) => p.name === "storage-geo-redundant-replication")!;
        expect(await violationsOf(geo, resources)).to.deep.equal([]);
        expect(await violationsOf(geo, resources, { production: true })).to.have.length(1);
    });

    it("is production as soon as one resource says so, even if others say development", async () => {
        const resources = [developmentResourceGroup(), productionResourceGroup(), res(T.catalog, { name: "lake" })];
        expect(await violationsOf(dataProtectedInProduction, resources)).to.have.length(1);
    });

    it("applies the shorter production password lifetime in production stacks only", async () => {
        const password = res(T.password, { applicationId: "/applications/x", endDate: "2026-06-01T00:00:00Z", rotateWhenChanged: { window: "2026-01-01T00:00:00Z" } });
        expect((await violationsOf(entraPasswordLifetime, [developmentResourceGroup(), password])).map((v) => v.message)).to.deep.equal([]);
        expect((await violationsOf(entraPasswordLifetime, [productionResourceGroup(), password])).map((v) => v.message)).to.deep.equal(["the secret stays valid for 151 days; the maximum is 120 in production."]);
    });
});

/** Runs `fn` with the global clock (`Date.now()`, `new Date()`) stopped at `iso`. */
async function atClock<T>(iso: string, fn: () => Promise<T>): Promise<T> {
    const RealDate = Date;
    const fixed = RealDate.parse(iso);
    class FrozenDate extends RealDate {
        constructor(...args: unknown[]) {
            if (args.length === 0) super(fixed);
            else super(...(args as [string]));
        }
        static now(): number {
            return fixed;
        }
    }
    (globalThis as { Date: DateConstructor }).Date = FrozenDate as DateConstructor;
    try {
        return await fn();
    } finally {
        (globalThis as { Date: DateConstructor }).Date = RealDate;
    }
}

describe("escape class d: the same config gets the same verdict on any day", () => {
    const policyFiles = () => {
        const dir = path.join(__dirname, "..", "policies");
        const out: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.isDirectory() && e.name !== "node_modules") walk(path.join(d, e.name));
                else if (e.name.endsWith(".ts")) out.push(path.join(d, e.name));
            }
        };
        walk(dir);
        return out;
    };

    it("no policy reads the clock (Date.now, new Date() without a value, performance.now)", () => {
        const readers = policyFiles().filter((f) => /Date\.now\s*\(|new Date\(\s*\)|performance\.now/.test(fs.readFileSync(f, "utf8")));
        expect(readers.map((f) => path.relative(path.join(__dirname, ".."), f))).to.deep.equal([]);
    });

    it("fails secretRotationDays=365 on prod on the day the secret is created and on every other day: the issue's example", async () => {
        const { run } = await planOf("prod", "secretRotationDays=365");
        const window = (run.resources.find((r) => r.type === T.password)!.rawInputs.rotateWhenChanged as { window: string }).window;
        const start = Date.parse(window);
        const days = [0, 1, 180, 364, 394, 800].map((d) => new Date(start + d * 86_400_000).toISOString());
        const verdicts = [];
        for (const day of days) verdicts.push(await atClock(day, async () => (await runPolicies(allPolicies, run.resources, stackPolicyConfig("prod"))).violations));
        for (const v of verdicts) expect(v).to.deep.equal(verdicts[0]);
        expect(verdicts[0].filter((v) => v.policy === "entra-password-max-lifetime").map((v) => v.message)).to.deep.equal(["the secret stays valid for 395 days; the maximum is 120 in production."]);
    });

    it("gives the whole pack the same verdicts over the shipped prod plan at five dates years apart", async () => {
        const { run } = await planOf("prod");
        const dates = ["2020-02-29T12:00:00Z", "2024-01-01T00:00:00Z", "2026-10-17T00:00:00Z", "2027-01-15T00:00:01Z", "2035-06-30T23:59:59Z"];
        const reports = [];
        for (const d of dates) reports.push(await atClock(d, () => runPolicies(allPolicies, run.resources, stackPolicyConfig("prod"))));
        for (const r of reports) expect(r).to.deep.equal(reports[0]);
    });

    it("judges a password by its own dates, whether today is before it starts, inside its life or after it ended", async () => {
        const cases: [Record<string, unknown>, number][] = [
            [{ startDate: "2030-01-01T00:00:00Z", endDate: "2030-03-01T00:00:00Z" }, 0],
            [{ startDate: "2030-01-01T00:00:00Z", endDate: "2031-01-01T00:00:00Z" }, 1],
            [{ endDate: "2020-04-01T00:00:00Z", rotateWhenChanged: { window: "2020-01-01T00:00:00Z" } }, 0],
            [{ endDate: "2021-04-01T00:00:00Z", rotateWhenChanged: { window: "2020-01-01T00:00:00Z" } }, 1],
            [{ endDate: "2026-04-01T00:00:00Z" }, 1],
        ];
        for (const [props, expected] of cases) {
            for (const day of ["2019-12-31T00:00:00Z", "2026-02-01T00:00:00Z", "2040-01-01T00:00:00Z"]) {
                const found = await atClock(day, () => violationsOf(entraPasswordLifetime, [res(T.password, { applicationId: "/applications/x", ...props })]));
                expect(found.length, `${JSON.stringify(props)} on ${day}`).to.equal(expected);
            }
        }
    });
    it("judges a deployed password (startDate = the day it was created) by its rotation window, so a late first deployment does not shorten a long period", async () => {
        const window = "2026-01-01T00:00:00.000Z";
        const endDate = "2027-01-31T00:00:00.000Z";
        for (const createdOn of ["2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-12-30T00:00:00Z"]) {
            const found = await messages(entraPasswordLifetime, [res(T.password, { applicationId: "/applications/x", startDate: createdOn, endDate, rotateWhenChanged: { window } })]);
            expect(found, createdOn).to.deep.equal(["the secret stays valid for 395 days; the maximum is 180."]);
        }
    });

    it("judges a new password in a real preview, where startDate is still unknown, by its rotation window", async () => {
        const found = await messages(entraPasswordLifetime, [res(T.password, { applicationId: "/applications/x", startDate: "[unknown]", endDate: "2027-01-31T00:00:00.000Z", rotateWhenChanged: { window: "2026-01-01T00:00:00.000Z" } })]);
        expect(found).to.deep.equal(["the secret stays valid for 395 days; the maximum is 180."]);
        expect(await messages(entraPasswordLifetime, [res(T.password, { applicationId: "/applications/x", startDate: "[unknown]", endDate: "2027-01-31T00:00:00.000Z" })]), "nothing known yet: left to pulumi up").to.deep.equal([]);
    });
});

describe("escape class e: principal names are compared in one normalised form", () => {
    it("normalises whitespace and invisible characters at either end, case and Unicode composition, and nothing else", () => {
        expect(normalizePrincipal("account users ")).to.equal("account users");
        expect(normalizePrincipal("\u00a0Account Users\u200b")).to.equal("account users");
        expect(normalizePrincipal("\ufeffUSERS\t")).to.equal("users");
        expect(normalizePrincipal("E\u0301quipe-Admins")).to.equal("\u00e9quipe-admins");
        expect(normalizePrincipal("account  users"), "inner spaces name another group").to.equal("account  users");
        expect(samePrincipal("11111111-1111-4111-8111-111111111111", " 11111111-1111-4111-8111-111111111111 ".toUpperCase())).to.equal(true);
        expect(samePrincipal("data-analysts", "data_analysts")).to.equal(false);
    });

    it('recognises "account users " (trailing space) as the everyone-group: the issue\'s example', async () => {
        const found = await messages(ucBroadGroupsDiscoveryOnly, [grants({ schema: "lake.gold" }, [["account users ", ["USE_SCHEMA", "SELECT"]]])]);
        expect(found).to.deep.equal(['"account users " is granted schema lake.gold with SELECT; everyone-groups get at most USE_CATALOG, USE_SCHEMA, BROWSE.']);
    });

    it("recognises everyone-groups in another case, with a no-break space or a zero-width character", async () => {
        for (const name of ["Account Users", "\u00a0users", "users\u200b", "USERS"]) {
            expect(await messages(ucBroadGroupsDiscoveryOnly, [res(T.grant, { catalog: "lake", principal: name, privileges: ["SELECT"] })]), JSON.stringify(name)).to.have.length(1);
        }
    });

    it("recognises everyone-groups in workspace ACLs and secret ACLs the same way", async () => {
        expect(await messages(permissionsNoBroadManage, [res(T.permissions, { servingEndpointId: "e", accessControls: [{ groupName: " Users", permissionLevel: "CAN_MANAGE" }] })])).to.have.length(1);
        expect(await messages(secretAclNoBroadGroups, [res(T.secretAcl, { scope: "s", principal: "Account Users\u2060", permission: "READ" })])).to.have.length(1);
    });

    it("matches allow-lists whatever the spelling of the name in the resource or the config", async () => {
        const decomposed = "E\u0301quipe-Admins";
        const composed = "\u00e9quipe-admins ";
        expect(await messages(ucNoRiskyPrivileges, [grants({ catalog: "lake" }, [[decomposed, ["MANAGE"]]])], { admins: [composed] })).to.deep.equal([]);
        expect(await messages(ucNoRiskyPrivileges, [pipelineSp(), grants({ catalog: "lake" }, [[PIPELINE_APP_ID.toUpperCase(), ["MANAGE"]]])], { admins: [" Role:Pipeline "] })).to.deep.equal([]);
    });

    it("treats two spellings of one principal as one principal (two Grant resources overwrite each other)", async () => {
        const found = await messages(ucOneAuthorityPerSecurable, [
            res(T.grant, { catalog: "lake", principal: ANALYSTS, privileges: ["USE_CATALOG"] }, { name: "g1" }),
            res(T.grant, { catalog: "lake", principal: " Data-Analysts", privileges: ["BROWSE"] }, { name: "g2" }),
        ]);
        expect(found).to.have.length(1);
    });

    it("reads permission levels in any case, so a lower-case CAN_MANAGE is still a manage level", async () => {
        const found = await messages(permissionsManageAdminsOnly, [res(T.permissions, { sqlEndpointId: "w", accessControls: [{ groupName: ANALYSTS, permissionLevel: "can_manage" }] })]);
        expect(found).to.deep.equal(['gives CAN_MANAGE on its sqlWarehouse to "data-analysts", not an allow-listed admin (config "admins": none).']);
    });

    it("applies an allowance named with another spelling of the principal", async () => {
        const resources = [grants({ schema: "lake.silver" }, [["Data-Engineers ", ["USE_SCHEMA", "MODIFY"]]])];
        expect(await messages(ucLeastPrivilegeAllowance, resources, { allowances: { "data-engineers": { schema: ["USE_SCHEMA", "MODIFY"], table: ["MODIFY"] } } })).to.deep.equal([]);
    });
});

describe("escape class f: breadth is measured", () => {
    /** Every /8 the config validation accepts in a public IP rule (those that overlap no reserved range). */
    const publicSlashEights = () => Array.from({ length: 224 }, (_v, i) => `${i}.0.0.0/8`).filter((r) => reservedOverlaps(parseIpv4Range(r)!).length === 0);
    const storagePolicies = allPolicies.filter((p) => p.name.startsWith("storage-ip-rules"));
    const storageFindings = (report: { violations: { policy: string; message: string }[] }) => report.violations.filter((v) => v.policy.startsWith("storage-ip-rules")).map((v) => `${v.policy}: ${v.message}`);

    it("fails /8 ranges covering most of IPv4 in the storage firewall's IP rules: the issue's example", async () => {
        const ranges = publicSlashEights();
        expect(ranges).to.have.length(217);
        const { document } = await planOf("prod", `network.storageAllowedIpRanges=${JSON.stringify(ranges)}`);
        expect(storageFindings(document.policies)).to.deep.equal([
            "storage-ip-rules-bounded: 217 IP rules allow 3,640,655,872 IPv4 addresses (84.8% of IPv4); at most 4,096 may pass the firewall.",
        ]);
        const withPrivate = Array.from({ length: 221 }, (_v, i) => `${i + 1}.0.0.0/8`);
        const report = await runPolicies(storagePolicies, [res(T.account, { ...SECURE_ACCOUNT, networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: withPrivate.map((iPAddressOrRange) => ({ iPAddressOrRange, action: "Allow" })) } })]);
        const found = storageFindings(report);
        expect(found[0]).to.equal("storage-ip-rules-bounded: 221 IP rules allow 3,707,764,736 IPv4 addresses (86.3% of IPv4); at most 4,096 may pass the firewall.");
        expect(found.filter((f) => f.startsWith("storage-ip-rules-public-ranges-only")).map((f) => f.split(" ")[3])).to.deep.equal(["10.0.0.0/8", "100.0.0.0/8", "127.0.0.0/8", "169.0.0.0/8", "172.0.0.0/8", "192.0.0.0/8"]);
    });

    it("counts overlapping rules once and measures against the configured maximum", () => {
        const r = (...cidrs: string[]) => cidrs.map((c) => parseIpv4Range(c)!);
        expect(addressCount(r("20.0.0.0/24", "20.0.0.0/24", "20.0.0.128/25"))).to.equal(256);
        expect(addressCount(r("20.0.0.0/24", "20.0.1.0/24"))).to.equal(512);
        expect(addressCount(r("20.0.0.5", "20.0.0.5/32"))).to.equal(1);
        expect(addressCount(r("0.0.0.0/0"))).to.equal(2 ** 32);
        expect(parseIpv4Range("20.0.0.77/24"), "host bits are masked").to.deep.equal(parseIpv4Range("20.0.0.0/24"));
        expect(parseIpv4Range("256.0.0.0/8")).to.equal(undefined);
    });

    it("fails many narrow ranges that add up, not only one wide one", async () => {
        const ranges = Array.from({ length: 20 }, (_v, i) => `198.51.${i}.0/24`);
        const found = await messages(storagePolicies[0], [res(T.account, { ...SECURE_ACCOUNT, networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: ranges.map((iPAddressOrRange) => ({ iPAddressOrRange, action: "Allow" })) } })]);
        expect(found).to.deep.equal(["20 IP rules allow 5,120 IPv4 addresses (0.000119% of IPv4); at most 4,096 may pass the firewall."]);
    });

    it("refuses private, CGNAT, loopback and link-local ranges in public IP rules, in config validation first and in the pack", async () => {
        for (const range of ["10.1.0.0/16", "172.20.0.0/16", "192.168.0.0/24", "100.64.0.0/10", "127.0.0.1", "169.254.169.254"]) {
            const err = await rejectedConfig("dev", `network.storageAllowedIpRanges=${JSON.stringify([range])}`);
            expect(err.keys, range).to.deep.equal(["lakehouse:network.storageAllowedIpRanges[0]"]);
            const found = await messages(storagePolicies[1], [res(T.account, { ...SECURE_ACCOUNT, networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ iPAddressOrRange: range, action: "Allow" }] } })]);
            expect(found, range).to.have.length(1);
        }
    });

    it("holds workspace ACLs, secret ACLs and app permissions to groups-not-people in production, as Unity Catalog grants", async () => {
        const people = ["principals.auditor.user=auditor@example.com"];
        const found = async (stack: string, ...sets: string[]) =>
            (await planOf(stack, ...people, ...sets)).document.policies.violations.filter((v) => v.policy === "uc-grants-to-groups-not-people").map((v) => `${v.level} ${v.message}`);
        expect(await found("prod", 'app.users=["auditor"]')).to.deep.equal(['mandatory "auditor@example.com" is a user account and gets CAN_USE on the app (Permissions permissions); give it to a group the user belongs to instead.']);
        expect(await found("prod", 'pipelines.permissions.view=["auditor"]'), "job, pipeline, warehouse, code folder").to.have.length(4);
        expect(await found("prod", 'serving.consumers=["auditor"]')).to.have.length(2);
        expect(await found("prod", 'grants.auditor.catalog=["USE_CATALOG"]')).to.have.length(1);
        expect(await found("dev", 'pipelines.permissions.view=["auditor"]'), "development stacks may name people").to.deep.equal([]);
    });
});

describe("escape class g: what the pack did not model", () => {
    const byPolicy = async (policyName: string, resources: ResourceUnderPolicy[], config: Record<string, unknown> = {}) =>
        (await runPolicies(allPolicies.filter((p) => p.name === policyName), resources, { [policyName]: config })).violations.map((v) => v.message);
    const prodResources = async () => (await planOf("prod")).run.resources;
    const withInputs = (resources: ResourceUnderPolicy[], type: string, change: (inputs: Record<string, unknown>) => Record<string, unknown>) =>
        resources.map((r) => (r.type === type ? { ...r, rawInputs: change(r.rawInputs) } : r));

    it("requires workspace configuration in production and refuses insecure values anywhere", async () => {
        const prod = await prodResources();
        expect(await byPolicy("workspace-conf-hardened", prod)).to.deep.equal([]);
        expect(await byPolicy("workspace-conf-hardened", prod.filter((r) => r.type !== T.workspaceConf))).to.have.length(1);
        const loosened = withInputs(prod, T.workspaceConf, (i) => ({ ...i, customConfig: { ...(i.customConfig as object), enableExportNotebook: "true", maxTokenLifetimeDays: "365" } }));
        expect(await byPolicy("workspace-conf-hardened", loosened)).to.deep.equal([
            'customConfig.enableExportNotebook is "true"; set "false" (it lets data or credentials leave the workspace).',
            'customConfig.maxTokenLifetimeDays is "365"; set 1-90 (0 or empty means tokens never expire).',
        ]);
        const dev = (await planOf("dev")).run.resources;
        expect(await byPolicy("workspace-conf-hardened", dev.filter((r) => r.type !== T.workspaceConf)), "development may leave the defaults").to.deep.equal([]);
        expect(await byPolicy("workspace-conf-hardened", withInputs(dev, T.workspaceConf, () => ({ customConfig: { enableResultsDownloading: "TRUE" } }))), "but not set them insecurely").to.have.length(1);
    });

    it("hardens clusters through the cluster policy: the program's policy before this change fails four ways", async () => {
        const before = JSON.stringify({ cluster_type: { type: "fixed", value: "all-purpose" }, data_security_mode: { type: "allowlist", values: ["USER_ISOLATION", "SINGLE_USER"] }, autotermination_minutes: { type: "range", minValue: 10, maxValue: 60 }, spark_version: { type: "unlimited", defaultValue: "auto:latest-lts" } });
        // The hand-started clusters' policy as it was (the job's and the pipeline's came later, hardened).
        const found = await byPolicy("cluster-policy-hardened", withInputs(await prodResources(), T.clusterPolicy, (i) => (String(i.name).endsWith("-interactive") ? { ...i, definition: before } : i)));
        expect(found.map((m) => m.split(" ")[0])).to.deep.equal(["enable_local_disk_encryption", "ssh_public_keys", "init", "spark_version"]);
        expect(await byPolicy("cluster-policy-hardened", await prodResources())).to.deep.equal([]);
        // The interactive and the job policy pin the runtime; the pipeline's takes its channel's.
        expect(await byPolicy("cluster-policy-hardened", await prodResources(), { allowedSparkVersions: ["15.4.x-scala2.12"] })).to.deep.equal(
            Array(2).fill("spark_version allows 16.4.x-scala2.12, not in allowedSparkVersions (15.4.x-scala2.12)."),
        );
    });

    it("refuses external locations that skip validation or fall back to cluster credentials", async () => {
        const prod = await prodResources();
        expect(await byPolicy("external-location-validated", prod)).to.deep.equal([]);
        expect(await byPolicy("external-location-validated", withInputs(prod, T.externalLocation, (i) => ({ ...i, skipValidation: true })))).to.have.length(4);
        expect(await byPolicy("external-location-validated", withInputs(prod, T.externalLocation, (i) => ({ ...i, fallback: true })))).to.have.length(4);
    });

    it("models permissions on directories, notebooks, workspace files, repos and tokens: levels, everyone-groups and allowances", async () => {
        const p = (object: Record<string, string>, groupName: string, permissionLevel: string) => res(T.permissions, { ...object, accessControls: [{ groupName, permissionLevel }] });
        expect(await byPolicy("permissions-level-valid-for-object", [p({ directoryPath: "/Shared/x" }, ANALYSTS, "CAN_QUERY")])).to.deep.equal(["CAN_QUERY is not a permission level of a directory (valid: CAN_READ, CAN_RUN, CAN_EDIT, CAN_MANAGE)."]);
        expect(await byPolicy("permissions-level-valid-for-object", [p({ authorization: "tokens" }, ANALYSTS, "CAN_USE")])).to.deep.equal([]);
        expect(await byPolicy("permissions-code-and-tokens-not-to-everyone", [p({ authorization: "passwords" }, "users", "CAN_USE")])).to.have.length(1);
        expect(await byPolicy("permissions-code-and-tokens-not-to-everyone", [p({ workspaceFilePath: "/Shared/job.py" }, "account users", "CAN_MANAGE")])).to.have.length(1);
        expect(await byPolicy("permissions-code-and-tokens-not-to-everyone", [p({ repoPath: "/Repos/team/lake" }, "users", "CAN_READ")])).to.deep.equal([]);
        const tokens = await byPolicy("uc-least-privilege-allowance", [p({ authorization: "tokens" }, ANALYSTS, "CAN_USE")]);
        expect(tokens).to.have.length(1);
        expect(tokens[0]).to.match(/^"data-analysts" would hold more than its allowance \(defaultAllowance\) from the tokens \(Permissions r\d+\): CAN_USE on it \(allowed on a tokens: none\)\.$/);
    });

    it("protects registered models and the access connector in production, as the rest of the data", async () => {
        const unprotected = (await prodResources()).map((r) => ({ ...r, protect: false }));
        const found = await byPolicy("data-protected-in-production", unprotected);
        expect(found.filter((m) => m.startsWith("RegisteredModel "))).to.have.length(3);
        expect(found.filter((m) => m.startsWith("AccessConnector "))).to.deep.equal(["AccessConnector access-connector holds data (or is the only path to it) but is not protected; set protect (lakehouse:protectData true)."]);
        expect(await byPolicy("data-protected-in-production", await prodResources()), "the shipped prod plan protects them").to.deep.equal([]);
    });
});
