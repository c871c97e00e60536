// CLI command `vigil check`: not built yet; its issue's work replaces this file.
export async function run(_argv: string[]): Promise<number> {
  console.error("vigil check: not available yet in this build");
  return 2;
}
