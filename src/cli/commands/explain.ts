// CLI command `vigil explain`: not built yet; its issue's work replaces this file.
export async function run(_argv: string[]): Promise<number> {
  console.error("vigil explain: not available yet in this build");
  return 2;
}
