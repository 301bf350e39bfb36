/**
 * `npm run docs:mermaid`: redraws the architecture picture of the dev stack in README.md (between
 * `<!-- architecture:start -->` and `<!-- architecture:end -->`); tests/operations.test.ts fails
 * when the README is out of step with the program.
 */
import { architectureSection, renderMermaid } from "./mermaid";
import { plan } from "./plan";
import { updateReadme } from "./readme";

plan("dev").then(
    ({ document }) => {
        updateReadme({ architecture: architectureSection(renderMermaid(document.resources)) });
        console.log(`README.md: architecture picture of stack dev redrawn (${document.resources.length} resources)`);
        process.exit(0);
    },
    (err) => {
        console.error(err);
        process.exit(1);
    },
);
