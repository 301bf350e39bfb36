/**
 * Generated README sections. Each section lives between `<!-- NAME:start -->` and
 * `<!-- NAME:end -->`; `npm run docs` rewrites them, and tests fail when the README is stale.
 */
import * as fs from "fs";
import * as path from "path";

export const README = path.resolve(__dirname, "..", "README.md");

/** The text between the markers of `name` (without the markers), or undefined when absent. */
export function readSection(readme: string, name: string): string | undefined {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const i = readme.indexOf(start);
    const j = readme.indexOf(end);
    if (i < 0 || j < i) return undefined;
    return readme.slice(i + start.length, j).replace(/^\n/, "").replace(/\n$/, "");
}

/** The README with the section `name` replaced by `content`. Throws when the markers are missing. */
export function writeSection(readme: string, name: string, content: string): string {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const i = readme.indexOf(start);
    const j = readme.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README has no ${start} ... ${end} markers`);
    return `${readme.slice(0, i + start.length)}\n${content}\n${readme.slice(j)}`;
}

/** Rewrites the given generated sections of README.md in place. */
export function updateReadme(sections: Record<string, string>): void {
    let readme = fs.readFileSync(README, "utf8");
    for (const [name, content] of Object.entries(sections)) readme = writeSection(readme, name, content);
    fs.writeFileSync(README, readme);
}
