// The serve page in a real browser, as a person uses it (tests/serve/serve_browser_test.cpp
// starts the server and runs this with node; puppeteer-core comes from the build folder's
// npm/, chromium from Debian):
//   node browser_check.cjs URL CHROMIUM SCREENSHOT_DIR
// 1. a 2-D run from the form: the loss curve grows, the decision boundary is drawn, Pause
//    pauses it and Stop ends it;
// 2. Compare with the last run: the form's changed init beside that run, two panels;
// 3. the story by one click: uniform[-1,1] beside He on Fashion-MNIST, both curves grow and
//    both verdicts appear, the story's one being "stalled".
// Every request must go to the server itself: the page loads nothing from the network.
// Exit status 0 when all holds; otherwise the first failure on stderr and status 1.
"use strict";
const puppeteer = require("puppeteer-core");
const path = require("path");

const [url, chromium, shots] = process.argv.slice(2);
const origin = new URL(url).origin;

// Generous by default: under the sanitizers training and loading data are about 20 times
// slower, and a click that starts runs first waits for the runs it stops to end.
async function waitFor(page, description, fn, arg, timeout = 120000) {
  try {
    await page.waitForFunction(fn, { timeout, polling: 100 }, arg);
  } catch (e) {
    throw new Error(`timed out waiting for ${description}`);
  }
}

async function spiral(page) {
  // Long enough to be paused while it trains.
  await page.$eval("input[name=epochs]", (input) => { input.value = "100000"; });
  await page.click("#start");
  await waitFor(page, "the loss curve of the 2-D run",
    () => mlpscope.panels.length === 1 && mlpscope.panels[0].records.length >= 150);
  await waitFor(page, "the decision boundary", () => !document.querySelector(".boundary").hidden);
  await page.click("#pause");
  await waitFor(page, "the paused state", () => document.querySelector(".state").textContent === "paused");
  await page.screenshot({ path: path.join(shots, "serve-spiral.png") });
  await page.click("#stop");
  await waitFor(page, "the final verdict of the stopped run",
    () => document.querySelector(".verdict.final") !== null);
}

async function compare(page) {
  // The 2-D run above was started alone: "Compare with the last run" puts the form's changed
  // settings beside it.
  await page.$eval("input[name=init]", (input) => { input.value = "uniform:-1,1"; });
  await page.click("#compare");
  await waitFor(page, "two panels from Compare with the last run",
    () => mlpscope.panels.length === 2 && mlpscope.panels.every((p) => p.id));
  await waitFor(page, "both compared runs' records",
    () => mlpscope.panels.every((p) => p.records.length >= 2));
  const inits = await page.evaluate(() => mlpscope.panels.map((p) => p.options.init));
  if (inits[0] === inits[1] || inits[1] !== "uniform:-1,1")
    throw new Error(`compared inits ${inits.join(" and ")}`);
}

async function story(page) {
  await page.click("#story");
  await waitFor(page, "two panels", () => mlpscope.panels.length === 2 && mlpscope.panels.every((p) => p.id),
    undefined, 180000);
  await waitFor(page, "both loss curves to grow",
    () => mlpscope.panels.every((p) => p.records.length >= 3), undefined, 180000);
  await waitFor(page, "both final verdicts",
    () => document.querySelectorAll(".verdict.final").length === 2, undefined, 180000);
  await new Promise((r) => setTimeout(r, 300));  // the last frame drawn
  const verdicts = await page.$$eval(".verdict-name", (nodes) => nodes.map((n) => n.textContent));
  if (!verdicts[0].startsWith("stalled")) throw new Error(`the story's verdict is ${verdicts[0]}`);
  if (verdicts[1].startsWith("stalled")) throw new Error(`He's verdict is ${verdicts[1]}`);
  await page.screenshot({ path: path.join(shots, "serve-story.png"), fullPage: true });
  return verdicts;
}

async function main() {
  const browser = await puppeteer.launch({
    executablePath: chromium, headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const foreign = [];
  const errors = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1440, height: 1000 });
    page.on("request", (r) => { if (!r.url().startsWith(origin)) foreign.push(r.url()); });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url, { waitUntil: "load" });
    if (await page.$eval("#login", (n) => !n.hidden)) throw new Error("the page was not let in");
    if (page.url().includes("token=")) throw new Error("the token stayed in the address bar");
    await spiral(page);
    await compare(page);
    const verdicts = await story(page);
    if (foreign.length) throw new Error(`the page loaded from elsewhere: ${foreign.join(", ")}`);
    if (errors.length) throw new Error(`script errors: ${errors.join("; ")}`);
    console.log(`ok: ${verdicts.join(" | ")}`);
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
