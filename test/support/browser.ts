/**
 * A real browser for the web UI tests: Debian's `chromium` driven by playwright-core, headless,
 * with screenshots kept under `.test-artifacts/<suite>/` (git-ignored) for a person to look at.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { locateTool } from "./required-tool.js";

/** Where screenshots of `suite` go. */
export function artifactDir(suite: string): string {
  return resolve(import.meta.dirname, "../../.test-artifacts", suite);
}

/** Launches the system Chromium headless (throws when it is not installed: guard with the required-tool helpers). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = locateTool("chromium");
  if (executablePath === undefined) throw new Error("chromium missing: apt-get install -y chromium");
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** Saves a full-page screenshot of `page` as `<suite>/<name>.png`; returns its path. */
export async function screenshot(page: Page, suite: string, name: string): Promise<string> {
  const dir = artifactDir(suite);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Errors the page's scripts threw and console errors, collected from now on. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}
