// Real-browser test of the tweak-and-re-run workflow: in JupyterLab, run
// 02-eegnet's training cell, change a hyperparameter in the editor (ELU's
// learning rate), run the training cell again. The second run trains one new
// run next to the first three, which stay byte for byte as they were; the run
// store is in JupyterLab's file browser (runs/lab beside notebooks/).
//
//   node --test tests/browser/tweak.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { artifacts, launchBrowser, openNotebook, runCell, startLab, token } from "./lab.mjs";

// runs is { run directory name: sha256 of its model.npz } of the store's finished runs.
function runs(dir) {
  const out = {};
  for (const name of readdirSync(dir)) {
    try {
      out[name] = createHash("sha256").update(readFileSync(path.join(dir, name, "model.npz"))).digest("hex");
    } catch {}
  }
  return out;
}

test("re-running a cell after changing a hyperparameter trains a new run and keeps the old ones", { timeout: 900_000 }, async () => {
  const lab = await startLab();
  const store = path.join(lab.work, "runs", "lab");
  let browser;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const cells = await openNotebook(page, lab, "02-eegnet.ipynb");
    const texts = await cells.evaluateAll((cs) => cs.map((c) => c.querySelector(".jp-InputArea-editor").textContent));
    const hp = texts.findIndex((t) => t.includes('Activation: "elu", Batch: 12, LR: 5e-4,'));
    const train = texts.findIndex((t) => t.includes("store.Train("));
    assert.ok(hp > 0 && train > hp, "02 has no hyperparameter cell followed by a training cell");
    for (let i = 0; i < hp + 1; i++) await runCell(page, cells, i);
    const first = await runCell(page, cells, train);
    assert.equal((first.match(/trained and saved in/g) || []).length, 3, `the first run did not train three runs:\n${first}`);
    const before = runs(store);
    assert.equal(Object.keys(before).length, 3);

    // The tweak, made in the hyperparameter cell as a person would: ELU's learning rate, 5e-4, is edited in
    // place to 2e-3 (the cursor put at the end of that line, moved back to the number, the number retyped).
    const line = cells.nth(hp).locator(".cm-line", { hasText: 'Activation: "elu"' });
    const text = await line.textContent();
    await line.click();
    await page.keyboard.press("End");
    for (let i = 0; i < text.length - (text.indexOf("LR: 5e-4") + "LR: 5e-4".length); i++) await page.keyboard.press("ArrowLeft");
    for (let i = 0; i < "5e-4".length; i++) await page.keyboard.press("Backspace");
    await page.keyboard.type("2e-3", { delay: 5 });
    assert.match(await line.textContent(), /LR: 2e-3,/, "the learning rate was not edited in place");
    await runCell(page, cells, hp);
    const second = await runCell(page, cells, train);
    mkdirSync(artifacts, { recursive: true });
    await cells.nth(train).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(artifacts, "jupyterlab-tweak-02-eegnet.png") });
    assert.equal((second.match(/reused from/g) || []).length, 2, `ReLU and LeakyReLU were not reused:\n${second}`);
    assert.match(second, /eegnet\/elu batch 12 lr 0\.002[^\n]*trained and saved in/, `the tweaked ELU run was not trained:\n${second}`);
    const after = runs(store);
    const added = Object.keys(after).filter((d) => !(d in before));
    assert.equal(added.length, 1, `the tweak made ${added.length} new runs: ${added}`);
    assert.match(added[0], /^eegnet-elu-b12-lr0\.002-/);
    for (const [d, sum] of Object.entries(before)) assert.equal(after[d], sum, `${d} changed`);

    // The store is in JupyterLab's file browser, next to the notebooks.
    const res = await fetch(lab.url("").replace(/\/lab\/tree\/notebooks\/\?/, "/api/contents/runs/lab?"));
    const listing = (await res.json()).content.map((c) => c.name);
    for (const d of Object.keys(after)) assert.ok(listing.includes(d), `JupyterLab does not list runs/lab/${d}`);
    console.log(`# first run: 3 trained; after the tweak: 2 reused, 1 new (${added[0]}); 4 runs listed by JupyterLab under runs/lab`);
  } catch (e) {
    console.error(lab.log().split("\n").slice(-20).join("\n"));
    if (browser) {
      mkdirSync(artifacts, { recursive: true });
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages.length) await pages[0].screenshot({ path: path.join(artifacts, "jupyterlab-tweak-failure.png") });
    }
    throw e;
  } finally {
    if (browser) await browser.close();
    await lab.stop();
  }
});
