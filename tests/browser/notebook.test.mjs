// Real-browser test: start JupyterLab on a free loopback port, open
// notebooks/01-data.ipynb in headless Chromium, run its first cells on the
// GoNB kernel and check that the Go cell's output appears in the page.
// A screenshot is kept in $ARTIFACTS (default: runs/artifacts).
//
//   node --test tests/browser/notebook.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { artifacts, launchBrowser, openNotebook, runCell, startLab } from "./lab.mjs";

test("a GoNB cell runs in JupyterLab and its output shows in the page", { timeout: 600_000 }, async () => {
  const lab = await startLab();
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const cells = await openNotebook(page, lab, "01-data.ipynb");
    // Setup cell, hyperparameter cell, then the first Go program (loads the data and reports it).
    for (let i = 0; i < 3; i++) await runCell(page, cells, i);
    const output = cells.nth(2).locator(".jp-OutputArea-output");
    await output.first().waitFor({ timeout: 120_000 });
    const text = await output.allInnerTexts();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "jupyterlab-01-data.png"), fullPage: false });
    assert.match(text.join("\n"), /BCI-IIIb-like data|BCI III-IIIb lab data|user data/, "the data cell's output is not in the page");
    assert.match(text.join("\n"), /S4b/, "the trial-count table is not in the page");
    console.log(`# output of the Go cell, as rendered:\n# ${text.join(" ").slice(0, 200)}`);
    console.log(`# screenshot: ${path.join(artifacts, "jupyterlab-01-data.png")}`);
  } catch (e) {
    console.error(lab.log().split("\n").slice(-20).join("\n"));
    if (browser) {
      mkdirSync(artifacts, { recursive: true });
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages.length) await pages[0].screenshot({ path: path.join(artifacts, "jupyterlab-failure.png") });
    }
    throw e;
  } finally {
    if (browser) await browser.close();
    await lab.stop();
  }
});
