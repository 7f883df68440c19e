// End to end: the demo e-service (www/, a Worker in workerd using the built package) against
// paysg-sim, driven in headless Chromium like a payer and an officer would. Screenshots of each
// step go to test-output/demo/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { launchChromium, root } from "./helpers.mjs";
import { startDemo } from "../../www/demo.mjs";

const shots = join(root, "test-output", "demo");

test("the whole payment flow in a browser: validate, pay, return, webhook, refund, cancel", async () => {
  mkdirSync(shots, { recursive: true });
  const demo = await startDemo();
  const browser = await launchChromium();
  const pageErrors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    const noSecrets = async () => {
      const html = await page.content();
      for (const s of demo.secrets) assert.ok(!html.includes(s), "a secret reached the browser");
    };

    // 1. the form, validated live by paysg's wasm in the browser
    await page.goto(`${demo.url}/`);
    await page.waitForSelector("form[data-live=ready]");
    await shot("01-form");
    await page.fill("#payer_name", "");
    await page.fill("#amount", "12.345");
    await page.fill("#payer_email", "ahkow@");
    await page.focus("#description");
    assert.match(await page.textContent("#amount-error"), /dollars and cents/);
    assert.match(await page.textContent("#payer_email-error"), /email address/);
    assert.match(await page.textContent("#payer_name-error"), /required|empty/);
    assert.equal(await page.getAttribute("#amount", "aria-invalid"), "");
    await page.click("#submit"); // refused in the browser: still on the form
    assert.equal(new URL(page.url()).pathname, "/");
    await shot("02-invalid");

    await page.fill("#payer_name", "Tan Ah Kow");
    await page.fill("#payer_email", "ahkow.tan@example.com");
    await page.fill("#amount", "12.50");
    await page.fill("#due_date", "2026-12-31");
    await page.fill("[name=metadata_key_1]", "vehicle");
    await page.fill("[name=metadata_value_1]", "SBA1234A");
    await page.focus("#description");
    for (const f of ["payer_name", "payer_email", "amount", "metadata"]) assert.equal(await page.textContent(`#${f}-error`), "", f);
    await shot("03-valid");
    await noSecrets();

    // 2. the simulator's payment page, then back to the e-service
    await Promise.all([page.waitForURL(`${demo.simUrl}/payments/**`), page.click("#submit")]);
    assert.match(await page.textContent(".amount"), /S\$12\.50/);
    await shot("04-paysg-payment-page");
    await Promise.all([page.waitForURL(`${demo.url}/return**`), page.click("#pay")]);
    assert.match(await page.textContent("h1"), /Payment received/);
    assert.equal(await page.textContent("#payment-status"), "paid");
    const paidReturn = new URL(page.url());
    assert.match(paidReturn.searchParams.get("order"), /^DEMO-/, "the return URL names the order");
    // the signed webhook arrives (and is verified) on its own
    for (let i = 0; i < 40 && !/received and verified/.test(await page.textContent("#webhook-status")); i++) {
      await page.waitForTimeout(150);
      await page.reload();
    }
    assert.match(await page.textContent("#webhook-status"), /received and verified/);
    await shot("05-paid");
    await noSecrets();

    // 3. the officer's list: webhook recorded, refund part, then an amount PaySG refuses
    await page.goto(`${demo.url}/payments`);
    const row = page.locator("tbody tr").first();
    assert.match(await row.textContent(), /✓/);
    await row.locator("input[name=amount]").fill("5.00");
    await Promise.all([page.waitForURL(/ok=/), row.locator("button", { hasText: "Refund" }).click()]);
    assert.match(await page.textContent(".notice.ok"), /Refunded S\$5\.00/);
    assert.match(await page.locator("tbody tr").first().textContent(), /partially refunded/);
    await shot("06-refunded");
    const again = page.locator("tbody tr").first();
    await again.locator("input[name=amount]").fill("100.00");
    await Promise.all([page.waitForURL(/error=/), again.locator("button", { hasText: "Refund" }).click()]);
    assert.match(await page.textContent(".notice.error"), /PaySG refused: .*\(402 refund_exceeds_remaining\)/);
    await shot("07-paysg-error");

    // 4. another payment, left unpaid, cancelled by the officer
    await page.goto(`${demo.url}/`);
    await page.waitForSelector("form[data-live=ready]");
    await page.fill("#payer_name", "Lim Mei Ling");
    await page.fill("#amount", "30");
    await Promise.all([page.waitForURL(`${demo.simUrl}/payments/**`), page.click("#submit")]);
    // The paid order's return URL edited to name this unpaid payment, or no order: refused.
    const tampered = new URL(paidReturn);
    tampered.searchParams.set("paysg_payment_id", new URL(page.url()).pathname.split("/").pop());
    assert.equal((await page.goto(tampered.href)).status(), 400);
    assert.match(await page.textContent("h1"), /could not confirm/);
    assert.match(await page.textContent(".notice.error"), /not the expected payment/);
    tampered.searchParams.set("order", "DEMO-NONE");
    assert.equal((await page.goto(tampered.href)).status(), 404);
    await page.goto(`${demo.url}/payments`);
    const unpaid = page.locator("tbody tr", { hasText: "Lim Mei Ling" });
    await Promise.all([page.waitForURL(/ok=/), unpaid.locator("button", { hasText: "Cancel" }).click()]);
    assert.match(await page.textContent(".notice.ok"), /cancelled/);
    assert.match(await page.locator("tbody tr", { hasText: "Lim Mei Ling" }).textContent(), /cancelled/);
    await shot("08-cancelled");
    await noSecrets();

    // 5. readable on a phone
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${demo.url}/`);
    await page.waitForSelector("form[data-live=ready]");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the form scrolls sideways on a phone by ${overflow}px`);
    await shot("09-phone");
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await demo.stop();
  }
});
