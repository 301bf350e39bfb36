/**
 * `npm run docs`: regenerates every generated section of README.md and docs/*.md (the configuration
 * reference, the policy table, the architecture picture, the grants report, the stack facts, the
 * serving preview, the recipes' expected results) and each page's table of contents.
 */
import * as fs from "fs";
import * as path from "path";
import { generatedSections, orphanSections, renderPages } from "./docs-sections";
import { ROOT, docPages } from "./readme";

async function main(): Promise<void> {
    const sections = await generatedSections();
    const texts = Object.fromEntries(docPages().map((f) => [f, fs.readFileSync(path.join(ROOT, f), "utf8")]));
    const orphans = orphanSections(texts, sections);
    if (orphans.length > 0) throw new Error(`generated sections and markers disagree:\n  ${orphans.join("\n  ")}`);
    const pages = renderPages(texts, sections);
    const changed = Object.keys(pages).filter((f) => pages[f] !== texts[f]);
    for (const f of changed) fs.writeFileSync(path.join(ROOT, f), pages[f]);
    console.log(`${Object.keys(pages).length} pages checked; regenerated: ${changed.length > 0 ? changed.join(", ") : "none (all up to date)"}`);
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
});
