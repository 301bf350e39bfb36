/** Every policy of the pack, in the order the README lists them. */
import { Policies } from "@pulumi/policy";
import { azureStoragePolicies } from "./azure-storage";

export const allPolicies: Policies = [...azureStoragePolicies];
