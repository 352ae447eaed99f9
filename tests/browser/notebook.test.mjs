// Real-browser test: start JupyterLab on a free loopback port, open
// notebooks/01-data.ipynb in headless Chromium, run its first cells on the
// GoNB kernel and check that the Go cell's output appears in the page.
// A screenshot is kept in $ARTIFACTS (default: runs/artifacts).
//
//   node --test tests/browser/notebook.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const artifacts = process.env.ARTIFACTS || path.join(root, "runs", "artifacts");

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForServer(url, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`JupyterLab did not answer at ${url}`);
}

test("a GoNB cell runs in JupyterLab and its output shows in the page", { timeout: 600_000 }, async () => {
  const port = await freePort();
  const token = "eegkit-browser-test";
  // Serve copies, so that JupyterLab's autosave never touches the committed notebooks.
  const work = mkdtempSync(path.join(tmpdir(), "eegkit-browser-"));
  const runs = path.join(work, "runs");
  const nbdir = path.join(work, "notebooks");
  cpSync(path.join(root, "notebooks"), nbdir, { recursive: true });
  const lab = spawn(path.join(root, ".venv/bin/jupyter"), [
    "lab", "--no-browser", "--allow-root", `--ServerApp.ip=127.0.0.1`, `--ServerApp.port=${port}`,
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${nbdir}`,
    "--LabApp.news_url=", "--LabServerApp.extensions_in_dev_mode=False",
  ], { env: { ...process.env, EEGKIT_RUNS: runs, EEGKIT_EPOCHS: "1", EEGKIT_ROOT: root, EEGKIT_DATA: path.join(root, "data") }, stdio: ["ignore", "ignore", "pipe"] });
  let labLog = "";
  lab.stderr.on("data", (d) => { labLog += d; });
  let browser;
  try {
    await waitForServer(`http://127.0.0.1:${port}/api/status?token=${token}`, Date.now() + 60_000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // The kernel is ready once it has answered JupyterLab's kernel_info_request on the websocket
    // (GoNB sends no status at start-up, so the status bar says "Unknown" until a cell has run,
    // and a cell run before the kernel answered stays queued).
    let kernelReady;
    const ready = new Promise((resolve) => { kernelReady = resolve; });
    page.on("websocket", (ws) => {
      if (!ws.url().includes("/api/kernels/")) return;
      ws.on("framereceived", (f) => {
        const text = typeof f.payload === "string" ? f.payload : f.payload.toString("latin1");
        if (text.includes("kernel_info_reply")) kernelReady();
      });
    });
    await page.goto(`http://127.0.0.1:${port}/lab/tree/01-data.ipynb?token=${token}`);
    await page.waitForSelector(".jp-Notebook .jp-CodeCell", { timeout: 120_000 });
    let readyTimer;
    await Promise.race([ready, new Promise((_, reject) => {
      readyTimer = setTimeout(() => reject(new Error("the GoNB kernel did not answer in 120 s")), 120_000);
    })]);
    clearTimeout(readyTimer);
    await page.waitForTimeout(2000);
    const cells = page.locator(".jp-Notebook .jp-CodeCell");
    // Setup cell, hyperparameter cell, then the first Go program (loads the data and reports it).
    for (let i = 0; i < 3; i++) {
      await cells.nth(i).locator(".jp-InputArea-editor").click();
      await page.keyboard.press("Shift+Enter");
      // The prompt shows [n] once the cell has run.
      await page.waitForFunction((i) => {
        const p = document.querySelectorAll(".jp-Notebook .jp-CodeCell .jp-InputPrompt")[i];
        return p && /\[\d+\]/.test(p.textContent);
      }, i, { timeout: 300_000 });
    }
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
    console.error(labLog.split("\n").slice(-20).join("\n"));
    if (browser) {
      mkdirSync(artifacts, { recursive: true });
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages.length) await pages[0].screenshot({ path: path.join(artifacts, "jupyterlab-failure.png") });
    }
    throw e;
  } finally {
    if (browser) await browser.close();
    // Stop JupyterLab (and its kernel); do not wait long for a clean shutdown.
    const exited = new Promise((resolve) => lab.once("exit", resolve));
    lab.kill("SIGTERM");
    const timer = setTimeout(() => lab.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    lab.stderr.destroy();
    rmSync(work, { recursive: true, force: true });
  }
});
