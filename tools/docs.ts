/** `npm run docs`: regenerates every generated section of README.md (config, policies, architecture). */
import { configReference } from "./config-docs";
import { architectureSection, renderMermaid } from "./mermaid";
import { plan } from "./plan";
import { policyTable } from "./policy-docs";
import { updateReadme } from "./readme";
import { TRAINED } from "./scenarios";
import { parseOverride } from "./stack-config";

async function main(): Promise<void> {
    // The picture shows the whole platform: the dev stack once its models are registered.
    const { document } = await plan("dev", TRAINED.map(parseOverride));
    updateReadme({
        config: configReference(),
        policies: policyTable(),
        architecture: architectureSection(renderMermaid(document.resources)),
    });
    console.log(`README.md: configuration reference, policy table and architecture picture (dev, ${document.resources.length} resources) regenerated`);
}

main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
});
