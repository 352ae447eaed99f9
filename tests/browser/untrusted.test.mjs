// Real-browser test: a committed notebook, opened untrusted in JupyterLab (as a
// handed-in notebook is), shows its figures as images, not as the text of an
// SVG that JupyterLab stripped from HTML output.
//
//   node --test tests/browser/untrusted.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { artifacts, launchBrowser, startLab } from "./lab.mjs";

test("a committed notebook opened untrusted shows its figures as images", { timeout: 300_000 }, async () => {
  const lab = await startLab();
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(lab.url("02-eegnet.ipynb"));
    await page.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 120_000 });
    const tab = (await page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current").first().innerText()).trim();
    assert.equal(tab, "02-eegnet.ipynb", "another notebook is open");
    const img = page.locator(".jp-Notebook .jp-OutputArea-output img");
    await img.first().waitFor({ state: "attached", timeout: 60_000 }); // offscreen cells are attached, not painted
    const n = await img.count();
    const size = await img.first().evaluate((e) => [e.naturalWidth, e.naturalHeight]);
    await img.first().scrollIntoViewIfNeeded();
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, "jupyterlab-untrusted-02-eegnet.png") });
    const text = (await page.locator(".jp-Notebook .jp-OutputArea-output").allInnerTexts()).join("\n");
    assert.ok(n >= 1, "no figure is an <img> in the page");
    assert.deepEqual(size, [1536, 960], "the figure is not the 2× PNG");
    // What an untrusted notebook showed of an SVG inside HTML: its text ("… Epoch 40 160 280 Accuracy (%) …").
    assert.doesNotMatch(text, /Epoch\s+\d+\s+\d+\s+\d+\s+Accuracy/, "a figure shows as the text of a stripped SVG");
    console.log(`# ${n} figure(s) as <img> (${size.join(" × ")}); screenshot: ${path.join(artifacts, "jupyterlab-untrusted-02-eegnet.png")}`);
  } catch (e) {
    console.error(lab.log().split("\n").slice(-20).join("\n"));
    throw e;
  } finally {
    if (browser) await browser.close();
    await lab.stop();
  }
});
