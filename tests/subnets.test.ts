/** CIDR arithmetic and the spoke's subnet layout, pure. */
import { expect } from "chai";
import { addressesCovered, formatCidr, isNetworkAddress, parseCidr, planSubnets, usableAddresses, workspaceSubnetPrefix } from "../components/network/subnets";

describe("network: CIDR arithmetic", () => {
    it("parses and prints networks, and tells a network address from a host address", () => {
        expect(formatCidr(parseCidr("10.120.0.0/22")!)).to.equal("10.120.0.0/22");
        expect(parseCidr("10.120.1.7/22")).to.deep.equal(parseCidr("10.120.0.0/22"));
        expect(isNetworkAddress("10.120.0.0/22")).to.equal(true);
        expect(isNetworkAddress("10.120.1.0/22")).to.equal(false);
        expect(parseCidr("10.300.0.0/16")).to.equal(undefined);
        expect(parseCidr("bogus")).to.equal(undefined);
    });

    it("counts the addresses Azure leaves per subnet (five are reserved)", () => {
        expect(usableAddresses(26)).to.equal(59);
        expect(usableAddresses(24)).to.equal(251);
    });

    it("sizes the workspace subnets for the nodes, never below /26", () => {
        expect(workspaceSubnetPrefix(10)).to.equal(26);
        expect(workspaceSubnetPrefix(59)).to.equal(26);
        expect(workspaceSubnetPrefix(60)).to.equal(25);
        expect(workspaceSubnetPrefix(200)).to.equal(24);
    });

    it("counts the addresses a list of ranges covers, overlaps once", () => {
        expect(addressesCovered(["10.0.0.0/24", "10.0.0.128/25", "10.0.1.0/24"])).to.equal(512);
        expect(addressesCovered(["1.2.3.4"])).to.equal(1);
        expect(addressesCovered(Array.from({ length: 221 }, (_, i) => `${i + 1}.0.0.0/8`))).to.equal(221 * 2 ** 24);
    });
});

describe("network: the spoke's subnets", () => {
    it("lays out host, container and private-endpoint subnets from the start of the address space", () => {
        expect(planSubnets("10.120.0.0/22", 40)).to.deep.equal({
            host: "10.120.0.0/26",
            container: "10.120.0.64/26",
            privateEndpoints: "10.120.0.128/27",
            nodeCapacity: 59,
        });
        expect(planSubnets("10.120.0.0/22", 100)).to.deep.equal({
            host: "10.120.0.0/25",
            container: "10.120.0.128/25",
            privateEndpoints: "10.120.1.0/27",
            nodeCapacity: 123,
        });
    });

    it("says how large the space must be when the subnets do not fit", () => {
        expect(planSubnets("10.120.0.0/25", 100)).to.deep.equal({
            problem: "room for two /25 workspace subnets (100 cluster nodes) and a /27 private-endpoint subnet: a /23 or larger",
        });
    });
});
