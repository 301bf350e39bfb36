/** Azure storage rules (Checkov / Trivy equivalents, see REFERENCE.md). */
import * as storage from "@pulumi/azure-native/storage";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const storageMinimumTls: ResourceValidationPolicy = {
    name: "storage-minimum-tls-1-2",
    description: "Storage accounts must refuse TLS below 1.2 (CKV_AZURE_44, AVD-AZU-0011).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.minimumTlsVersion !== "TLS1_2" && account.minimumTlsVersion !== "TLS1_3") {
            report(`minimumTlsVersion is ${account.minimumTlsVersion ?? "unset (TLS 1.0 allowed)"}; set TLS1_2.`);
        }
    }),
};

export const storageHttpsOnly: ResourceValidationPolicy = {
    name: "storage-https-only",
    description: "Storage accounts must accept HTTPS traffic only (CKV_AZURE_3, AVD-AZU-0008).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(storage.StorageAccount, (account, _args, report) => {
        if (account.enableHttpsTrafficOnly === false) report("enableHttpsTrafficOnly is false; plain HTTP would be accepted.");
    }),
};

export const azureStoragePolicies = [storageMinimumTls, storageHttpsOnly];
