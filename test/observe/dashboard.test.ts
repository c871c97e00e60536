// Observe tests (issue 17): the live dashboard in a real headless Chromium (Debian's chromium,
// driven by playwright-core) during a Kafka run: the topology graph has every node of the model,
// rates, alerts per rule, lag per partition, dead letters and tasks are filled in from the run, and
// the page loads nothing from anywhere but the worker. VIGIL_DASHBOARD_SCREENSHOT=<png> keeps a shot.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { buildTopology } from "../../src/topology/build-topology.ts";
import { kafkaTest, testKafka, uniqueName } from "../support/kafka-env.ts";
import { createInputTopic, produceRows } from "../support/worker-fixture.ts";
import { rows, sleep, withWorker, writeProgram } from "./support.ts";

const PARTITIONS = 2;

/** The text (or an attribute) of every element matching `selector`. */
async function texts(page: Page, selector: string, attribute?: string): Promise<string[]> {
  const all = page.locator(selector);
  const out: string[] = [];
  for (let i = 0; i < (await all.count()); i++) {
    const e = all.nth(i);
    out.push((attribute ? await e.getAttribute(attribute) : await e.textContent()) ?? "");
  }
  return out;
}

kafkaTest(
  "the dashboard in Chromium during a run: the topology graph and the live figures",
  async (brokers) => {
    const kafka = testKafka(brokers);
    const { plan, input } = writeProgram();
    const groupId = uniqueName("obs-dash");
    await createInputTopic(kafka, input, PARTITIONS);
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    let producing = true;
    try {
      await withWorker(brokers, plan, groupId, { sampleMs: 500 }, async (url) => {
        // Records keep arriving while the page is open, so the rates are live.
        const feeding = (async () => {
          for (let round = 0; producing && round < 60; round++) {
            const batch: (ReturnType<typeof rows>[number] | string)[] = rows(
              200,
              80,
              1_700_000_000_000,
              round * 200,
            );
            if (round === 0) batch.push("{not json");
            await produceRows(kafka, input, batch, PARTITIONS);
            await sleep(500);
          }
        })();
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const foreign: string[] = [];
        page.on("request", (r) => {
          if (!r.url().startsWith(url)) foreign.push(r.url());
        });
        await page.goto(url);
        await page.waitForFunction("Number(document.body.dataset.updates ?? 0) >= 1");

        const topology = buildTopology(plan, groupId);
        const names = topology.subTopologies.flatMap((s) => s.nodes.map((n) => n.name)).sort();
        const drawn = (
          await page.$$eval("#topology svg g.node", (gs) => gs.map((g) => g.getAttribute("data-name") ?? ""))
        ).sort();
        assert.deepEqual(drawn, names, "one box per node of the topology");
        assert.equal(await page.locator("#topology svg path.edge").count(), topology.edges.length);

        // Wait until the page shows outputs of the filter rule, a live rate, lag, tasks and the bad
        // line's dead letter (its partition's task may commit after the others: the figures are live).
        // (The page's code is given as text: the tests are typed without the DOM library.)
        await page.waitForFunction(
          `Number(document.querySelector('#rules tr[data-key="big"] td[data-alerts]')?.dataset.alerts ?? 0) > 0 &&
         /[1-9]/.test(document.querySelector("#topology g.node.source .rate")?.textContent ?? "") &&
         document.querySelectorAll("#lag tbody tr").length === ${PARTITIONS} &&
         document.querySelectorAll("#tasks tbody tr").length === ${PARTITIONS} &&
         [...document.querySelectorAll("#dead-letters tbody tr")].some((r) => r.textContent === "decode-error1")`,
          undefined,
          { timeout: 60_000 },
        );
        const ruleRows = await texts(page, "#rules tbody tr", "data-key");
        assert.deepEqual(
          ruleRows,
          plan.rules.map((r) => r.name),
        );
        const dead = await texts(page, "#dead-letters tbody tr");
        assert.deepEqual(dead, ["decode-error1"]);
        const lagTopics = await texts(page, "#lag tbody tr td:first-child");
        assert.deepEqual(lagTopics, Array(PARTITIONS).fill(input));
        assert.equal(await page.locator("#ready").textContent(), "ready");
        const shot =
          process.env["VIGIL_DASHBOARD_SCREENSHOT"] ??
          join(mkdtempSync(join(tmpdir(), "vigil-dash-")), "dashboard.png");
        await page.screenshot({ path: shot, fullPage: true });
        assert.deepEqual(foreign, [], "every asset comes from the worker");
        producing = false;
        await feeding;
      });
    } finally {
      producing = false;
      await browser.close();
    }
  },
  { timeout: 180_000 },
);
