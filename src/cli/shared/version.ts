// CLI stage: the package version, read from package.json (two levels up from src/cli/shared and
// from dist/cli/shared alike).
import { readFileSync } from "node:fs";

export function vigilVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}
