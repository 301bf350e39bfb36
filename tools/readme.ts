/**
 * Generated sections of the README and the pages under docs/. Each section lives between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->`; `npm run docs` rewrites them (tools/docs.ts), and
 * tests fail when a page is stale. Also the Markdown helpers the docs tests share: headings and
 * their GitHub anchors, the table of contents, relative links.
 */
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..");
export const README = path.join(ROOT, "README.md");
export const DOCS_DIR = path.join(ROOT, "docs");

/** Every Markdown page of the documentation, repository-relative: README.md, then docs/*.md. */
export function docPages(root: string = ROOT): string[] {
    const dir = path.join(root, "docs");
    const pages = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".md")).sort() : [];
    return ["README.md", ...pages.map((f) => `docs/${f}`)];
}

const START = (name: string) => `<!-- ${name}:start -->`;
const END = (name: string) => `<!-- ${name}:end -->`;

/** The text between the markers of `name` (without the markers), or undefined when absent. */
export function readSection(text: string, name: string): string | undefined {
    const i = text.indexOf(START(name));
    const j = text.indexOf(END(name));
    if (i < 0 || j < i) return undefined;
    return text.slice(i + START(name).length, j).replace(/^\n/, "").replace(/\n$/, "");
}

/** The text with the section `name` replaced by `content`. Throws when the markers are missing. */
export function writeSection(text: string, name: string, content: string): string {
    const i = text.indexOf(START(name));
    const j = text.indexOf(END(name));
    if (i < 0 || j < i) throw new Error(`no ${START(name)} ... ${END(name)} markers`);
    return `${text.slice(0, i + START(name).length)}\n${content}\n${text.slice(j)}`;
}

/** The names of every generated section in a page, in order. */
export function sectionNames(text: string): string[] {
    return [...text.matchAll(/<!-- ([a-z0-9-]+):start -->/g)].map((m) => m[1]);
}

/** Rewrites the given generated sections of one file in place. */
export function updateFile(file: string, sections: Record<string, string>): void {
    let text = fs.readFileSync(file, "utf8");
    for (const [name, content] of Object.entries(sections)) {
        try {
            text = writeSection(text, name, content);
        } catch (err) {
            throw new Error(`${path.relative(ROOT, file)}: ${(err as Error).message}`);
        }
    }
    fs.writeFileSync(file, text);
}

/** Rewrites the given generated sections of README.md in place. */
export function updateReadme(sections: Record<string, string>): void {
    updateFile(README, sections);
}

/** The text with fenced code blocks blanked out (headings and links inside them do not count). */
export function withoutCode(text: string): string {
    let inFence = false;
    return text
        .split("\n")
        .map((line) => {
            if (/^\s*```/.test(line)) {
                inFence = !inFence;
                return "";
            }
            return inFence ? "" : line;
        })
        .join("\n");
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
export function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

export interface Heading {
    level: number;
    text: string;
    /** The anchor GitHub gives it (`-1`, `-2` … for repeats). */
    anchor: string;
}

/** Every heading of a page outside code blocks, with its anchor. */
export function headings(text: string): Heading[] {
    const seen = new Map<string, number>();
    const out: Heading[] = [];
    for (const line of withoutCode(text).split("\n")) {
        const m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
        if (!m) continue;
        const base = slug(m[2]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.push({ level: m[1].length, text: m[2], anchor: n === 0 ? base : `${base}-${n}` });
    }
    return out;
}

/** The table of contents of a page: a list of its `##` and `###` headings (not the contents heading itself). */
export function tableOfContents(text: string): string {
    return headings(text)
        .filter((h) => (h.level === 2 || h.level === 3) && h.text !== "Contents")
        .map((h) => `${h.level === 3 ? "  " : ""}- [${h.text.replace(/\[|\]/g, "")}](#${h.anchor})`)
        .join("\n");
}

export interface Link {
    text: string;
    target: string;
}

/** The Markdown links of a page outside code blocks (inline `[text](target)` form). */
export function links(text: string): Link[] {
    const prose = withoutCode(text).replace(/`[^`\n]*`/g, "``");
    return [...prose.matchAll(/\[([^\]]*)\]\(([^)\s]+)\)/g)].map((m) => ({ text: m[1], target: m[2] }));
}
