/**
 * The configuration reference, generated from `Pulumi.yaml` (the declarations the CLI validates),
 * so the README cannot drift from the keys the program reads.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

interface Declaration {
    type: string;
    description: string;
    default?: unknown;
    items?: { type: string };
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function renderDefault(value: unknown): string {
    if (value === undefined) return "(required)";
    const json = JSON.stringify(value);
    return json.length > 60 ? "see `Pulumi.yaml`" : `\`${json}\``;
}

/** Markdown table of every declared key: key, type, default, description. */
export function configReference(root: string = path.resolve(__dirname, "..")): string {
    const project = YAML.parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as { name: string; config: Record<string, Declaration> };
    const rows = Object.entries(project.config).map(([key, d]) => {
        const type = d.type === "array" && d.items ? `array of ${d.items.type}` : d.type;
        return `| \`${project.name}:${key}\` | ${type} | ${renderDefault(d.default)} | ${cell(d.description)} |`;
    });
    return [
        "| key | type | default | what it sets |",
        "|---|---|---|---|",
        "| `azure-native:location` | string | (required) | Azure region of every resource, e.g. `westeurope`. |",
        ...rows,
    ].join("\n");
}
