/**
 * The cost estimate (policies/cost): how often a schedule fires, the rates and their overrides, the
 * usage assumptions, and the arithmetic of every kind of line on hand-made resources — each expected
 * figure worked out by hand in the comment beside it — then the shipped stacks through the plan:
 * prod costs more than dev, scale-to-zero and a paused schedule lower the idle cost, unknown node
 * types and regions are reported, a size change costs more, a traffic shift nothing.
 */
import { expect } from "chai";
import { USAGE_DEFAULTS, costBasis, parseUsage } from "../policies/cost/basis";
import { CostLine, CostResource, estimateCost } from "../policies/cost/estimate";
import { OVERRIDE_SOURCE, RATE_TABLE, Rates, parseRateOverrides } from "../policies/cost/rates";
import { renderCost } from "../policies/cost/render";
import { quartzFiresPerMonth } from "../policies/quartz";
import { costBasisNote, planDiff } from "../tools/plan";
import { TRAINED } from "../tools/scenarios";
import { parseOverride } from "../tools/stack-config";
import { planOf, planTrained } from "./helpers";

/** Collects what a parser rejects, as the config Checker would. */
function collect() {
    const issues: { key: string; value: unknown; allowed: string }[] = [];
    return { issues, fail: (key: string, value: unknown, allowed: string) => issues.push({ key, value, allowed }) };
}

const basis = (raw: { usage?: unknown; rates?: unknown } = {}) => costBasis(raw, "cost", () => {
    throw new Error("a test basis must be valid");
});

let n = 0;
const r = (type: string, inputs: Record<string, unknown>, dependencies: string[] = []): CostResource => {
    const name = `r${++n}`;
    return { urn: `urn:pulumi:test::lakehouse::${type}::${name}`, type, name, inputs, dependencies };
};
const linesOf = (lines: CostLine[], resource: CostResource) => lines.filter((l) => l.urn === resource.urn);

describe("cost: how often a Quartz schedule fires", () => {
    // 28 years of calendar (2001-2028) are 28 × 365 + 7 leap days = 10227 days, or 1461 weeks, over 336 months.
    it("counts daily, hourly-stepped and quarter-hourly schedules over the 28-year calendar", () => {
        expect(quartzFiresPerMonth("0 0 2 * * ?")).to.equal(10227 / 336); // 30.4375
        expect(quartzFiresPerMonth("0 0 */6 * * ?")).to.equal((4 * 10227) / 336); // 121.75
        expect(quartzFiresPerMonth("0 0/15 * * * ?")).to.equal((96 * 10227) / 336); // 2922
    });

    it("counts days of the week, wrapping ranges and the month specials", () => {
        expect(quartzFiresPerMonth("0 30 9 ? * MON-FRI")).to.be.closeTo((1461 * 5) / 336, 1e-9); // 21.74 working days
        expect(quartzFiresPerMonth("0 0 12 ? * FRI-MON")).to.be.closeTo((1461 * 4) / 336, 1e-9); // Fri, Sat, Sun, Mon
        for (const once of ["0 0 0 1 * ?", "0 0 0 L * ?", "0 0 0 LW * ?", "0 0 0 15W * ?", "0 0 0 ? * 6#3", "0 0 0 ? * 2L"]) expect(quartzFiresPerMonth(once), once).to.equal(1);
        expect(quartzFiresPerMonth("0 0 0 1 1,7 ?")).to.equal(2 / 12);
    });

    it("counts nothing for an expression the config would refuse", () => {
        expect(quartzFiresPerMonth("0 2 * * *")).to.equal(undefined);
    });
});

describe("cost: rates and usage as config", () => {
    it("takes overrides group by group, region by region, and names what it refuses", () => {
        const { issues, fail } = collect();
        const overrides = parseRateOverrides(
            {
                dbu: { jobsCompute: 0.25, nope: 1 },
                vm: { northeurope: { Standard_E8ds_v5: "0.6" }, "North Europe": { Standard_D4ds_v5: 1 } },
                nodeDbu: { Standard_E8ds_v5: 2, m5: 1 },
                storage: { westeurope: { Standard_LRS: -1 } },
                gpu: {},
            },
            "cost.rates",
            fail,
        );
        expect(overrides).to.deep.equal({ dbu: { jobsCompute: 0.25 }, vm: { northeurope: { Standard_E8ds_v5: 0.6 } }, nodeDbu: { Standard_E8ds_v5: 2 }, storage: { westeurope: {} } });
        expect(issues.map((i) => i.key)).to.deep.equal(["cost.rates.dbu.nope", "cost.rates.vm.North Europe", "cost.rates.nodeDbu.m5", "cost.rates.storage.westeurope.Standard_LRS", "cost.rates.gpu"]);
        expect(issues[0].allowed).to.contain("jobsCompute");
        expect(issues[3].allowed).to.equal("a number from 0 to 1000000");
    });

    it("prices with an override before the table, and says which it used", () => {
        const rates = new Rates({ dbu: { jobsCompute: 0.25 }, vm: { northeurope: { Standard_D4ds_v5: 0.29 } } });
        expect(rates.flat("dbu", "jobsCompute")).to.deep.equal({ value: 0.25, unit: "USD per DBU", path: "dbu.jobsCompute", source: OVERRIDE_SOURCE });
        expect(rates.flat("dbu", "sqlServerless")).to.deep.equal({ value: 0.7, unit: "USD per DBU", path: "dbu.sqlServerless", source: "dbcu-ratios" });
        expect(rates.regional("vm", "northeurope", "Standard_D4ds_v5")?.value).to.equal(0.29);
        expect(rates.regional("vm", "northeurope", "Standard_D8ds_v5"), "no rate in a region the table lacks").to.equal(undefined);
        expect(rates.flat("dbu", "apps"), "a null list price is no rate, not zero").to.equal(undefined);
        expect(rates.flat("network", "privateEndpointGB")?.unit).to.equal("USD per GB");
    });

    it("gives every list price a source with its url, read date and how it was read", () => {
        const groups = Object.entries(RATE_TABLE).filter(([, g]) => typeof g === "object" && g !== null && "source" in g);
        expect(groups.length).to.be.greaterThan(10);
        for (const [name, g] of groups) {
            const source = RATE_TABLE.sources[(g as { source: string }).source];
            expect(source, name).to.not.equal(undefined);
            expect(source.url, name).to.match(/^https:\/\//);
            expect(source.read, name).to.match(/^\d{4}-\d{2}(-\d{2})?$/);
            expect(source.status, name).to.match(/not fetched live|documented/);
        }
    });

    it("reads usage with its stated defaults, and refuses unknown fields and bad numbers", () => {
        const { issues, fail } = collect();
        expect(parseUsage(undefined, "cost.usage", fail)).to.deep.equal(USAGE_DEFAULTS);
        const usage = parseUsage({ storedGB: 2000, jobRunsPerMonth: 8, autoscaleLoad: 2, warehouseHours: 3, jobRunHours: "x" }, "cost.usage", fail);
        expect(usage.storedGB).to.equal(2000);
        expect(usage.jobRunsPerMonth).to.equal(8);
        expect(usage.autoscaleLoad, "refused: the default stays").to.equal(USAGE_DEFAULTS.autoscaleLoad);
        expect(issues.map((i) => `${i.key}: ${i.allowed}`)).to.deep.equal([
            "cost.usage.autoscaleLoad: a number from 0 to 1",
            `cost.usage.warehouseHours: a known field: ${Object.keys(USAGE_DEFAULTS).join(", ")}`,
            "cost.usage.jobRunHours: a number from 0 to 744",
        ]);
        expect(parseUsage({ jobRunsPerMonth: "auto" }, "cost.usage", fail).jobRunsPerMonth).to.equal("auto");
    });
});

describe("cost: the arithmetic of each line", () => {
    const region = r("azure-native:resources:ResourceGroup", { location: "westeurope" });
    const daily = { quartzCronExpression: "0 0 2 * * ?", timezoneId: "UTC", pauseStatus: "UNPAUSED" };
    const cluster = { nodeTypeId: "Standard_D4ds_v5", autoscale: { minWorkers: 1, maxWorkers: 3 } };

    it("prices a scheduled job's cluster: DBUs at the jobs rate and the VMs apart", () => {
        const job = r("databricks:index/job:Job", { schedule: daily, jobClusters: [{ jobClusterKey: "main", newCluster: cluster }], tasks: [] });
        const e = estimateCost([region, job], basis({ usage: { jobRunHours: 2 } }));
        const [dbu, vm] = linesOf(e.lines, job);
        // 1 driver + (1 + 0.5 × (3 − 1)) = 3 nodes; 30.4375 runs × 2 h = 60.875 h; 3 × 60.875 = 182.625 node-hours.
        // DBU: 182.625 × 1 DBU/node-hour × 0.30 = 54.7875; VMs: 182.625 × 0.272 = 49.674. Unattended: idle = active.
        expect(dbu).to.include({ kind: "dbu", idle: 54.79, active: 54.79 });
        expect(dbu.quantity).to.deep.equal({ idle: 182.625, active: 182.625, unit: "DBU" });
        expect(dbu.rate).to.deep.include({ value: 0.3, path: "dbu.jobsCompute", source: "dbcu-ratios" });
        expect(dbu.assumption).to.contain("usage.jobRunHours").and.contain("cron 0 0 2 * * ?");
        expect(vm).to.include({ kind: "azure", idle: 49.67, active: 49.67 });
        expect(vm.rate?.path).to.equal("vm.westeurope.Standard_D4ds_v5");
    });

    it("costs nothing while the schedule is paused, and the pipeline it refreshes runs as often as the job", () => {
        const pipeline = r("databricks:index/pipeline:Pipeline", { edition: "ADVANCED", development: false, clusters: [{ ...cluster, label: "default" }] });
        const job = (pauseStatus: string) => r("databricks:index/job:Job", { schedule: { ...daily, pauseStatus }, tasks: [{ taskKey: "refresh", pipelineTask: { pipelineId: "p" } }] }, [pipeline.urn]);
        const live = estimateCost([region, pipeline, job("UNPAUSED")], basis());
        // 3 nodes × 30.4375 updates × 0.5 h = 45.65625 node-hours; DBU × 0.54 = 24.654375; VMs × 0.272 = 12.4185.
        expect(linesOf(live.lines, pipeline).map((l) => [l.idle, l.active])).to.deep.equal([[24.65, 24.65], [12.42, 12.42]]);
        const paused = estimateCost([region, pipeline, job("PAUSED")], basis());
        expect(paused.totals.idle.total).to.equal(0);
        expect(linesOf(paused.lines, pipeline)[0].assumption).to.contain("schedule paused");
    });

    it("keeps a development-mode pipeline's cluster two hours longer per update", () => {
        const pipeline = r("databricks:index/pipeline:Pipeline", { edition: "CORE", development: true, clusters: [{ nodeTypeId: "Standard_D8ds_v5", numWorkers: 1 }] });
        const job = r("databricks:index/job:Job", { schedule: daily, tasks: [{ pipelineTask: {} }] }, [pipeline.urn]);
        const [dbu] = linesOf(estimateCost([region, pipeline, job], basis({ usage: { jobRunsPerMonth: 10 } })).lines, pipeline);
        // 2 nodes × 2 DBU × 10 updates × (0.5 + 2) h = 100 DBU × 0.30 (Core) = 30.
        expect(dbu.quantity.idle).to.equal(100);
        expect(dbu.idle).to.equal(30);
    });

    it("wakes the warehouse for each scheduled query, and adds the people's hours when active", () => {
        const warehouse = r("databricks:index/sqlEndpoint:SqlEndpoint", { clusterSize: "Small", minNumClusters: 1, maxNumClusters: 3, autoStopMins: 10, enableServerlessCompute: true });
        const job = r("databricks:index/job:Job", { schedule: daily, tasks: [{ sqlTask: { warehouseId: "w" } }] }, [warehouse.urn]);
        const [line] = linesOf(estimateCost([region, warehouse, job], basis({ usage: { warehouseHoursPerMonth: 100 } })).lines, warehouse);
        // Idle: 30.4375 runs × 10/60 h × 1 cluster × 12 DBU = 60.875 DBU × 0.70 = 42.6125.
        // Active: + 100 h × (1 + 0.5 × 2) clusters × 12 DBU = 2400 DBU → 2460.875 × 0.70 = 1722.6125.
        expect(line.quantity).to.deep.equal({ idle: 60.875, active: 2460.875, unit: "DBU" });
        expect([line.idle, line.active]).to.deep.equal([42.61, 1722.61]);
    });

    it("bills each served entity for its concurrency: always-on at rest, scale-to-zero only when busy", () => {
        const endpoint = r("databricks:index/modelServing:ModelServing", {
            config: {
                servedEntities: [
                    { name: "champion", workloadSize: "Medium", workloadType: "CPU", scaleToZeroEnabled: false },
                    { name: "challenger", workloadSize: "Small", workloadType: "CPU", scaleToZeroEnabled: true },
                ],
                trafficConfig: { routes: [{ servedEntityName: "champion", trafficPercentage: 90 }, { servedEntityName: "challenger", trafficPercentage: 10 }] },
            },
        });
        const [always, toZero] = linesOf(estimateCost([region, endpoint], basis()).lines, endpoint);
        // Medium, always on: idle 8 × 730 = 5840 DBU × 0.082 = 478.88; active 8 × (730 − 176) + 16 × 176 = 7248 × 0.082 = 594.336.
        expect([always.idle, always.active]).to.deep.equal([478.88, 594.34]);
        // Small, scale-to-zero: idle 0; active 4 × 176 = 704 × 0.082 = 57.728.
        expect([toZero.idle, toZero.active]).to.deep.equal([0, 57.73]);
        expect(always.assumption).to.contain("traffic share does not change it");
    });

    it("prices Azure by the GB, the hour and the month, and adds the lines into the totals", () => {
        const account = r("azure-native:storage:StorageAccount", { location: "westeurope", sku: { name: "Standard_LRS" }, accessTier: "Hot" });
        const endpoint = r("azure-native:network:PrivateEndpoint", { location: "westeurope" });
        const logs = r("azure-native:operationalinsights:Workspace", { location: "westeurope", retentionInDays: 61 });
        const zone = r("azure-native:privatedns:PrivateZone", { location: "global" });
        const e = estimateCost([region, account, endpoint, logs, zone], basis({ usage: { storedGB: 1000, logAnalyticsGBPerDay: 2 } }));
        // 1000 GB × 0.0196 = 19.60.
        expect(linesOf(e.lines, account)[0]).to.include({ idle: 19.6, active: 19.6 });
        // 730 h × 0.01 = 7.30; active adds 100 GB, each charged once in its direction, × 0.01 = 1.00.
        expect(linesOf(e.lines, endpoint).map((l) => [l.idle, l.active])).to.deep.equal([[7.3, 7.3], [0, 1]]);
        // 2 GB × 730/24 days = 60.8333 GB × 2.99 = 181.89; retention 2 GB × (61 − 31) days = 60 GB-months × 0.13 = 7.80.
        expect(linesOf(e.lines, logs).map((l) => l.idle)).to.deep.equal([181.89, 7.8]);
        expect(linesOf(e.lines, zone)[0].idle).to.equal(0.5);
        // Idle: 19.60 + 7.30 + 181.89 + 7.80 + 0.50 = 217.09; active: + 1.00 = 218.09.
        expect(e.totals.idle).to.deep.equal({ dbu: 0, azure: 217.09, total: 217.09 });
        expect(e.totals.active.total).to.equal(218.09);
    });

    it("reports an unknown node type or region as unpriced, never as zero, and says the totals are lower bounds", () => {
        const elsewhere = r("azure-native:resources:ResourceGroup", { location: "northeurope" });
        const job = r("databricks:index/job:Job", { schedule: daily, jobClusters: [{ newCluster: { nodeTypeId: "Standard_X9", numWorkers: 1 } }] });
        const account = r("azure-native:storage:StorageAccount", { location: "northeurope", sku: { name: "Standard_LRS" }, accessTier: "Hot" });
        const e = estimateCost([elsewhere, job, account], basis());
        const unpriced = e.lines.filter((l) => l.unpriced);
        expect(unpriced.map((l) => l.unpriced)).to.deep.equal(["no DBU count for node type Standard_X9 (nodeDbu)", "no rate for Standard_X9 in northeurope (vm)", "no rate for Standard_LRS in northeurope (storage)"]);
        for (const l of unpriced) expect([l.idle, l.active, l.rate]).to.deep.equal([0, 0, undefined]);
        expect(e.totals.unpriced).to.equal(3);
        expect(e.warnings).to.have.length(3);
        const text = renderCost(e).join("\n");
        expect(text).to.contain("lower bounds: 3 lines unpriced").and.contain("UNPRICED").and.contain("warning: unpriced:");
        // With the stack's rates the same lines are priced, naming the override as their source.
        const priced = estimateCost([elsewhere, job, account], basis({ rates: { nodeDbu: { Standard_X9: 1 }, vm: { northeurope: { Standard_X9: 0.5 } }, storage: { northeurope: { Standard_LRS: 0.02 } } } }));
        expect(priced.totals.unpriced).to.equal(0);
        expect(priced.lines.find((l) => l.type.endsWith("StorageAccount"))?.rate?.source).to.equal(OVERRIDE_SOURCE);
    });

    it("reports a cloud resource type nobody priced, and an add-on without a rate", () => {
        const unknown = r("azure-native:cache:Redis", { location: "westeurope" });
        const workspace = r("azure-native:databricks:Workspace", { location: "westeurope", enhancedSecurityCompliance: { enhancedSecurityMonitoring: { value: "Enabled" } } });
        const e = estimateCost([unknown, workspace], basis());
        expect(e.warnings).to.deep.equal([
            `unpriced: ${unknown.name} resource: no rate for azure-native:cache:Redis`,
            `unpriced: ${workspace.name} enhanced security and compliance add-on: no rate for the enhanced security and compliance add-on (addOns.enhancedSecurity)`,
        ]);
        expect(e.region).to.equal("westeurope");
    });
});

describe("cost: the shipped stacks through the plan", () => {
    it("prices every line of dev and prod with its rate, quantity and assumption, and prod costs more than dev", async () => {
        const dev = (await planOf("dev")).document.cost;
        const prod = (await planOf("prod")).document.cost;
        for (const cost of [dev, prod]) {
            for (const l of cost.lines.filter((x) => !x.unpriced)) {
                expect(l.rate, `${l.resource} ${l.item}`).to.not.equal(undefined);
                expect(l.assumption.length, `${l.resource} ${l.item}`).to.be.greaterThan(5);
                expect(l.active, `${l.resource} ${l.item}`).to.equal(Math.round(l.rate!.value * l.quantity.active * 100) / 100);
            }
            const sum = (state: "idle" | "active") => Math.round(cost.lines.reduce((s, l) => s + l[state], 0) * 100) / 100;
            expect(cost.totals.idle.total).to.equal(sum("idle"));
            expect(cost.totals.active.total).to.equal(sum("active"));
        }
        expect(dev.warnings).to.deep.equal([]);
        expect(prod.warnings, "prod's enhanced security add-on has no list price").to.have.length(1);
        expect(prod.totals.idle.total).to.be.greaterThan(dev.totals.idle.total);
        expect(prod.totals.active.total).to.be.greaterThan(dev.totals.active.total);
        expect(dev.totals.active.total).to.be.greaterThan(dev.totals.idle.total);
    });

    it("lowers the idle cost with scale-to-zero serving and with a paused schedule", async () => {
        const idle = async (...sets: string[]) => (await planTrained("prod", ...sets)).document.cost.totals.idle.total;
        const shipped = await idle();
        expect(await idle("serving.scaleToZero=true")).to.be.lessThan(shipped);
        expect(await idle("pipelines.schedule.paused=true")).to.be.lessThan(shipped);
    });

    it("prints the section with the budget beside the totals", async () => {
        const { document } = await planOf("prod");
        const text = renderCost(document.cost, document.cost.budget).join("\n");
        expect(text).to.match(/^Monthly cost \(USD, list prices, Azure in westeurope/);
        expect(text).to.match(/active estimate \d+% of budget budget-lakehouse-prod \(12000\.00\)/);
        expect(text).to.contain("= 0.7 USD per DBU (dbu.sqlServerless; dbcu-ratios) × ");
        expect(text).to.contain("dbcu-ratios: https://learn.microsoft.com/");
        expect(document.cost.sources["dbcu-ratios"].read, "--json carries each source with its date").to.equal("2024-09-10");
    });

    it("costs more after computeSize small → large on dev, and nothing more after prod's 90/10 → 50/50", async () => {
        const size = (await planDiff("dev", [], [parseOverride("computeSize=large")], { askProviders: false })).diff.cost!;
        expect(size.after.active.total - size.before.active.total).to.be.greaterThan(0);
        expect(size.after.idle.total, "dev's schedule is paused: nothing more runs unattended").to.equal(size.before.idle.total);
        const traffic = (await planDiff("prod", TRAINED.map(parseOverride), ["serving.traffic.challenger=50", "serving.traffic.champion=50"].map(parseOverride), { askProviders: false })).diff;
        expect(traffic.changed.length, "the routes do change").to.equal(1);
        expect(traffic.cost!.after).to.deep.equal(traffic.cost!.before);
    });

    it("says when the budget rules would price with another basis than the stack", async () => {
        expect(costBasisNote("dev", (await planOf("dev")).document.cost.basis)).to.equal(undefined);
        const stored = (await planOf("dev", "cost.usage.storedGB=5000")).document.cost.basis;
        expect(costBasisNote("dev", stored)).to.contain("policies/config/dev.json");
    });
});
