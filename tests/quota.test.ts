/** Compute quota: VM sizes read as Azure's quota counts them, and the vCPUs a stack needs at once. */
import { expect } from "chai";
import { quotaDemand, renderQuota, vmSize } from "../tools/quota";
import { planOf } from "./helpers";

describe("quota: VM sizes as Azure's quota families count them", () => {
    it("reads family and vCPUs from current size names", () => {
        // Azure: Ddsv5 sizes are in quota family "Standard DDSv5 Family vCPUs" (standardDDSv5Family).
        expect(vmSize("Standard_D4ds_v5")).to.deep.equal({ family: "standardDDSv5Family", vCPUs: 4 });
        expect(vmSize("Standard_D16ds_v5")).to.deep.equal({ family: "standardDDSv5Family", vCPUs: 16 });
        expect(vmSize("Standard_E8s_v3")).to.deep.equal({ family: "standardESv3Family", vCPUs: 8 });
        expect(vmSize("Standard_F16s_v2")).to.deep.equal({ family: "standardFSv2Family", vCPUs: 16 });
        expect(vmSize("Standard_DS3_v2")).to.deep.equal({ family: "standardDSv2Family", vCPUs: 4 });
    });

    it("does not guess a size it cannot read", () => {
        expect(vmSize("Standard_NC6")).to.equal(undefined);
        expect(vmSize("Standard_HB120rs_v3")).to.deep.equal({ family: "standardHBRSv3Family", vCPUs: 120 });
    });
});

describe("quota: what a stack needs at once", () => {
    const cluster = (nodeTypeId: string, maxWorkers: number) => ({ nodeTypeId, autoscale: { minWorkers: 1, maxWorkers } });
    const resources = [
        { type: "databricks:index/pipeline:Pipeline", name: "medallion", inputs: { clusters: [cluster("Standard_D8ds_v5", 4)] } },
        { type: "databricks:index/job:Job", name: "full-run", inputs: { jobClusters: [{ jobClusterKey: "main", newCluster: cluster("Standard_D8ds_v5", 4) }] } },
        {
            type: "databricks:index/clusterPolicy:ClusterPolicy",
            name: "interactive-policy",
            inputs: { definition: JSON.stringify({ cluster_type: { type: "fixed", value: "all-purpose" }, node_type_id: { type: "allowlist", values: ["Standard_D4ds_v5", "Standard_X9"] }, "autoscale.max_workers": { type: "range", maxValue: 3 } }) },
        },
    ];

    it("adds the job's and the pipeline's drivers and largest worker counts per family", () => {
        const q = quotaDemand(resources, "westeurope");
        // (4 workers + 1 driver) × 8 vCPUs, twice.
        expect(q.atOnce).to.deep.equal([
            {
                family: "standardDDSv5Family",
                vCPUs: 80,
                parts: [
                    { what: "pipeline medallion", nodeType: "Standard_D8ds_v5", nodes: 5, vCPUs: 40 },
                    { what: "job full-run", nodeType: "Standard_D8ds_v5", nodes: 5, vCPUs: 40 },
                ],
            },
        ]);
        expect(q.perHandStartedCluster).to.deep.equal([{ what: "each hand-started cluster (interactive-policy)", nodeType: "Standard_D4ds_v5", nodes: 4, vCPUs: 16 }]);
        expect(q.unknown.map((p) => p.nodeType)).to.deep.equal(["Standard_X9"]);
        expect(renderQuota(q).join("\n")).to.contain("Standard_X9 — size not known here");
    });

    it("needs nothing of yours when the job and the pipeline are serverless", () => {
        const q = quotaDemand([{ type: "databricks:index/pipeline:Pipeline", name: "medallion", inputs: { serverless: true } }], "westeurope");
        expect(q.atOnce).to.deep.equal([]);
        expect(renderQuota(q).join("\n")).to.contain("no VM quota of yours");
    });

    it("prints prod's demand in the plan: large clusters (8 workers of Standard_D16ds_v5) for the job and the pipeline", async () => {
        const { document } = await planOf("prod");
        expect(document.quota.region).to.equal("westeurope");
        expect(document.quota.atOnce.map((f) => [f.family, f.vCPUs])).to.deep.equal([["standardDDSv5Family", 2 * 9 * 16]]);
    });
});
