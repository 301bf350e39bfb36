/**
 * The CrossGuard pack, for `pulumi preview --policy-pack policies`. Only the PolicyPack lives
 * here (constructing it starts the policy server); the rules are in `rules/` so the tests and the
 * offline plan can run them directly.
 */
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./rules";

new PolicyPack("lakehouse-guardrails", { policies: allPolicies });
