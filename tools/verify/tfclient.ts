/**
 * Starts a Terraform provider binary and speaks its real plugin protocol (gRPC, tfplugin6) from Node:
 * the go-plugin handshake (magic cookie in the environment, the address on the first stdout line),
 * then GetProviderSchema, ValidateProviderConfig, ConfigureProvider, ValidateResourceConfig and
 * PlanResourceChange with go-cty MessagePack values. The .proto is the one of the
 * terraform-plugin-go module the provider was built with (copied next to the binary by the build).
 *
 * Network: the provider runs with HTTP(S)_PROXY pointing at a closed local port, so any attempt to
 * reach a workspace or Azure fails at once on this machine (and is reported) instead of leaving it.
 */
import { ChildProcess, spawn } from "child_process";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { CtyValue, decode, encode } from "./cty";
import { TfBlock, TfSchema, blockFromProto, impliedType } from "./schema";

const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
const MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

export interface Diagnostic {
    severity: "ERROR" | "WARNING" | "INVALID";
    summary: string;
    detail: string;
    /** Attribute path steps as the protocol gives them. */
    attribute?: { steps: any[] };
}

export interface PlanAnswer {
    diagnostics: Diagnostic[];
    /** Attribute paths whose change forces replacement (`requires_replace`). */
    requiresReplace: any[][];
    plannedState: CtyValue;
}

export class TerraformProvider {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: any,
        readonly stderr: string[],
    ) {}

    /** Starts `binary` and connects; rejects with the provider's own stderr when it does not start. */
    static async start(binary: string, protoFile: string, timeoutMs = 60_000): Promise<TerraformProvider> {
        const definition = protoLoader.loadSync(protoFile, { keepCase: true, longs: Number, enums: String, bytes: Buffer, defaults: true, oneofs: true });
        const pkg = grpc.loadPackageDefinition(definition) as any;
        const child = spawn(binary, [], {
            stdio: ["pipe", "pipe", "pipe"],
            env: {
                PATH: process.env.PATH ?? "",
                HOME: process.env.HOME ?? "/tmp",
                [MAGIC_COOKIE_KEY]: MAGIC_COOKIE,
                PLUGIN_PROTOCOL_VERSIONS: "6",
                // Offline: anything the provider tries to fetch fails at once, locally.
                HTTPS_PROXY: "http://127.0.0.1:9",
                HTTP_PROXY: "http://127.0.0.1:9",
                NO_PROXY: "",
                // No credentials of the caller's reach the provider (it must not need any to validate or plan).
                DATABRICKS_CONFIG_FILE: "/dev/null",
                TF_LOG: "",
            },
        });
        // Never outlive this process (an exception between start and stop must not leave a provider running).
        const reap = () => child.kill();
        process.once("exit", reap);
        child.once("exit", () => process.off("exit", reap));
        const stderr: string[] = [];
        child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
        const address = await new Promise<string>((resolve, reject) => {
            let out = "";
            const timer = setTimeout(() => reject(new Error(`${binary} did not print its address within ${timeoutMs} ms\n${stderr.join("")}`)), timeoutMs);
            child.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                const line = out.split("\n")[0];
                if (out.includes("\n")) {
                    clearTimeout(timer);
                    // core-version|app-version|network|address|protocol|cert
                    const parts = line.trim().split("|");
                    if (parts.length < 5 || parts[4] !== "grpc") return reject(new Error(`unexpected handshake line: ${line}`));
                    resolve(parts[2] === "unix" ? `unix://${parts[3]}` : parts[3]);
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`${binary} exited with ${code} before the handshake\n${stderr.join("")}`));
            });
        });
        const client = new pkg.tfplugin6.Provider(address, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": -1,
            "grpc.max_send_message_length": -1,
        });
        return new TerraformProvider(child, client, stderr);
    }

    private call<T>(method: string, request: unknown, timeoutMs = 120_000): Promise<T> {
        return new Promise((resolve, reject) => {
            this.client[method](request, { deadline: Date.now() + timeoutMs }, (err: Error | null, res: T) => (err ? reject(err) : resolve(res)));
        });
    }

    async schema(): Promise<TfSchema> {
        const res: any = await this.call("GetProviderSchema", {});
        const fatal = (res.diagnostics ?? []).filter((d: Diagnostic) => d.severity === "ERROR");
        if (fatal.length) throw new Error(`GetProviderSchema: ${fatal.map((d: Diagnostic) => d.summary).join("; ")}`);
        const resources: Record<string, TfBlock> = {};
        for (const [name, s] of Object.entries(res.resource_schemas ?? {})) resources[name] = blockFromProto((s as any).block);
        return { provider: blockFromProto(res.provider?.block), resources };
    }

    async validateProviderConfig(block: TfBlock, config: Record<string, CtyValue>): Promise<Diagnostic[]> {
        const res: any = await this.call("ValidateProviderConfig", { config: { msgpack: encode(config, impliedType(block)) } });
        return res.diagnostics ?? [];
    }

    async configure(block: TfBlock, config: Record<string, CtyValue>): Promise<Diagnostic[]> {
        const res: any = await this.call("ConfigureProvider", {
            terraform_version: "1.9.0",
            config: { msgpack: encode(config, impliedType(block)) },
            client_capabilities: { deferral_allowed: false },
        });
        return res.diagnostics ?? [];
    }

    async validateResource(typeName: string, block: TfBlock, config: Record<string, CtyValue>): Promise<Diagnostic[]> {
        const res: any = await this.call("ValidateResourceConfig", {
            type_name: typeName,
            config: { msgpack: encode(config, impliedType(block)) },
            client_capabilities: { write_only_attributes_allowed: true },
        });
        return res.diagnostics ?? [];
    }

    /** PlanResourceChange: prior state null for a create. */
    async plan(typeName: string, block: TfBlock, prior: Record<string, CtyValue> | null, proposed: Record<string, CtyValue>, config: Record<string, CtyValue>): Promise<PlanAnswer> {
        const type = impliedType(block);
        const res: any = await this.call("PlanResourceChange", {
            type_name: typeName,
            prior_state: { msgpack: encode(prior, type) },
            proposed_new_state: { msgpack: encode(proposed, type) },
            config: { msgpack: encode(config, type) },
            prior_private: Buffer.alloc(0),
            client_capabilities: { deferral_allowed: false, write_only_attributes_allowed: true },
        });
        return {
            diagnostics: res.diagnostics ?? [],
            requiresReplace: (res.requires_replace ?? []).map((p: any) => p.steps ?? []),
            plannedState: res.planned_state?.msgpack?.length ? decode(res.planned_state.msgpack) : null,
        };
    }

    async stop(): Promise<void> {
        try {
            await this.call("StopProvider", {}, 5_000);
        } catch {
            // already gone
        }
        this.client.close?.();
        this.child.kill();
    }
}
