// Kafka dev stage: fetches the pinned Apache Kafka broker jars (plus a log4j2 SLF4J binding so the
// broker can log to a file) from Maven Central into a git-ignored cache, once; later calls reuse it.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The Kafka version every test, `vigil dev kafka` and the benchmarks run against. */
export const KAFKA_VERSION = "4.4.0";
/** log4j2 version Kafka 4.4.0 itself depends on; its SLF4J 1.7 binding must match it. */
const LOG4J_VERSION = "2.25.5";

/** Where the jars are and how they got there (for the timing lines). */
export interface BrokerJars {
  readonly dir: string;
  readonly cached: boolean;
  readonly ms: number;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** `<repo>/.cache/kafka/<version>` unless VIGIL_KAFKA_CACHE names another folder. */
export function brokerCacheDir(): string {
  const root = process.env["VIGIL_KAFKA_CACHE"] ?? join(REPO_ROOT, ".cache", "kafka");
  return join(root, KAFKA_VERSION);
}

function pom(): string {
  const dep = (g: string, a: string, v: string) =>
    `<dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return [
    `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
    "  <modelVersion>4.0.0</modelVersion>",
    "  <groupId>dev.vigil</groupId><artifactId>kafka-broker</artifactId><version>1</version>",
    "  <dependencies>",
    `    ${dep("org.apache.kafka", "kafka_2.13", KAFKA_VERSION)}`,
    `    ${dep("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION)}`,
    "  </dependencies>",
    "</project>",
    "",
  ].join("\n");
}

function runMaven(pomFile: string, outDir: string): Promise<void> {
  const args = ["-q", "-B", "-f", pomFile, "dependency:copy-dependencies"];
  args.push(`-DoutputDirectory=${outDir}`, "-DincludeScope=runtime");
  return new Promise((ok, fail) => {
    const child = spawn("mvn", args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", (err) => fail(new Error(`cannot run mvn (is Maven installed?): ${err.message}`)));
    child.on("exit", (code) =>
      code === 0 ? ok() : fail(new Error(`mvn dependency:copy-dependencies failed (${code}):\n${output}`)),
    );
  });
}

/**
 * Makes sure the broker jars are in the cache. The jars are fetched into a private folder and
 * renamed into place, so concurrent runs never see a half-filled cache.
 */
export async function ensureBrokerJars(): Promise<BrokerJars> {
  const started = performance.now();
  const dir = join(brokerCacheDir(), "jars");
  if (existsSync(dir)) return { dir, cached: true, ms: performance.now() - started };
  const work = join(brokerCacheDir(), `fetch-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    await writeFile(join(work, "pom.xml"), pom());
    await runMaven(join(work, "pom.xml"), join(work, "jars"));
    if (!existsSync(dir)) await rename(join(work, "jars"), dir).catch(() => undefined);
    if (!existsSync(dir)) throw new Error(`could not place the broker jars in ${dir}`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { dir, cached: false, ms: performance.now() - started };
}
