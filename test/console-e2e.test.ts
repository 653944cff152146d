// End to end in a real browser: the review console against the real service (PostgreSQL, Redis, the
// offline writer, the fixture site). Paste key → ingest → bulk generate → watch the batch finish → open an
// update's diff → edit → publish → reject another → bulk publish the rest → change a page → "Regenerate
// changed" → publish the update → the source is no longer changed. Screenshots of each screen go to
// test-artifacts/console/; any browser console error fails the test.
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureConsoleBuilt } from '../src/console/console-build.js';
import { createLogger } from '../src/lib/logger.js';
import { startTestApp, type TestContext, type TestKey } from './helpers/app.js';
import { launchConsoleBrowser, signIn, type ConsoleBrowser } from './helpers/console-browser.js';
import { htmlPage, startFixtureServer, type Fixture } from './helpers/fixture-server.js';
import { knowledge } from './helpers/knowledge.js';

const PAGES: Record<string, [string, string]> = {
  refunds: [
    'Refunds',
    `<p>You can request a refund within 30 days of purchase. Refunds go back to the original payment method.</p>
     <h2>How to request a refund</h2><ol><li>Open Billing in the dashboard.</li><li>Choose the invoice.</li><li>Click Request refund.</li></ol>
     <p>Refunds usually arrive within five business days.</p>`,
  ],
  shipping: [
    'Shipping times',
    `<p>Orders ship from our warehouse within two business days. Standard delivery takes three to seven days.</p>
     <h2>Express shipping</h2><p>Express orders placed before noon ship the same day and arrive the next business day.</p>`,
  ],
  password: [
    'Resetting your password',
    `<p>Forgot your password? Choose "Forgot password" on the sign-in page and we email you a reset link.</p>
     <h2>The link expired</h2><p>Reset links work for one hour. Ask for a new one if yours expired.</p>`,
  ],
  'gift-cards': [
    'Gift cards',
    `<p>Gift cards never expire and can be used on any order. Enter the code at checkout.</p>
     <h2>Checking a balance</h2><p>Your remaining balance shows under Account → Gift cards.</p>`,
  ],
};

describe('review console, end to end in Chromium', () => {
  let ctx: TestContext;
  let fixture: Fixture;
  let browser: ConsoleBrowser;
  let key: TestKey;
  let baseUrl: string;
  let page: Page;

  beforeAll(async () => {
    await ensureConsoleBuilt(createLogger('silent'));
    fixture = await startFixtureServer();
    for (const [name, [title, body]] of Object.entries(PAGES)) {
      fixture.setPage(`/help/${name}`, { body: htmlPage(title, body) });
    }
    ctx = await startTestApp({}, { workers: true });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    key = await ctx.createKey();
    // A live article the refunds page will update: same topic, older wording.
    const kb = knowledge(ctx, key);
    const billing = await kb.folder('Billing');
    await kb.article(billing.id, {
      title: 'Refunds',
      mainKnowledge:
        'You can request a refund within 14 days of purchase.\n\n## How to request a refund\n\nWrite to support with your invoice number.',
      questions: ['How do I get a refund?'],
      keywords: ['refund', 'billing'],
    });
    await kb.folder('Orders');
    await kb.folder('Account');
    browser = await launchConsoleBrowser();
    page = (await browser.open()).page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
    await fixture?.close();
  });

  const sourceRow = (name: string) => page.locator('tr', { hasText: fixture.url(`/help/${name}`) });
  const queueRow = (title: string) => page.locator('.queue-row', { hasText: title });

  it('runs the whole review flow', { timeout: 300_000 }, async () => {
    // 1. Paste the key.
    await signIn(page, baseUrl, key.key);
    await page.getByText('No drafts to review.').waitFor();
    await browser.screenshot(page, '01-review-empty');

    // 2. Ingest the pages.
    await page.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
    const urls = Object.keys(PAGES).map((name) => fixture.url(`/help/${name}`));
    await page.getByLabel('Ingest pages (one URL per line)').fill(urls.join('\n'));
    await page.getByRole('button', { name: /^Ingest \d/ }).click();
    await page.getByText(`Ingesting ${urls.length} new`).waitFor();
    for (const name of Object.keys(PAGES)) {
      await sourceRow(name).locator('.status', { hasText: 'ok' }).waitFor({ timeout: 30_000 });
    }
    await browser.screenshot(page, '02-sources');

    // 3. Bulk generate, and watch the batch finish.
    await page.getByRole('button', { name: /^Select all/ }).click();
    await page.getByRole('button', { name: `Generate drafts (${urls.length})` }).click();
    const batchCard = page.locator('.batch-card').first();
    await batchCard.locator('.status', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await expect(batchCard.textContent()).resolves.toContain(`${urls.length} of ${urls.length} done`);
    await page.getByRole('navigation').getByRole('link', { name: 'Batches' }).click();
    await page.locator('.batch-card .status', { hasText: 'completed' }).waitFor();
    await browser.screenshot(page, '03-batches');

    // 4. Open the update's diff.
    await page.getByRole('navigation').getByRole('link', { name: 'Review' }).click();
    await page.getByRole('tab', { name: 'update 1' }).waitFor();
    await queueRow('Refunds').locator('.queue-open').click();
    const titleDiff = page.getByRole('region', { name: 'Body diff' });
    await titleDiff.locator('td.add mark').first().waitFor();
    await expect(titleDiff.locator('td.del').first().textContent()).resolves.toContain('14 days');
    await page
      .getByRole('complementary', { name: 'Source' })
      .getByText(fixture.url('/help/refunds'))
      .waitFor();
    await browser.screenshot(page, '04-update-diff');

    // 5. Edit it (e), with the preview, then publish it.
    await page.keyboard.press('e');
    const titleInput = page.getByLabel('Title', { exact: true });
    await titleInput.fill('Refunds and returns');
    // Page content is untrusted: raw HTML shows as text, links open in a new tab without access to the
    // console, javascript: links and images from other sites are dropped.
    await page
      .getByLabel('Body (markdown)')
      .fill(
        'Refunds take **30 days** at most.\n\n<script>alert(1)</script> <img src=x onerror="alert(2)">\n\n' +
          '[Billing help](https://example.com/billing) · [bad](javascript:alert(3)) · ![chart](https://tracker.example/p.png)',
      );
    const preview = page.getByRole('region', { name: 'Markdown preview' });
    await preview.locator('strong', { hasText: '30 days' }).waitFor();
    await expect(preview.locator('script, img, [onerror]').count()).resolves.toBe(0);
    await expect(preview.textContent()).resolves.toContain('<script>alert(1)</script>');
    const link = preview.getByRole('link', { name: 'Billing help' });
    await expect(link.getAttribute('target')).resolves.toBe('_blank');
    await expect(link.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    await expect(preview.locator('a', { hasText: 'bad' }).getAttribute('href')).resolves.toBeNull();
    await expect(preview.textContent()).resolves.toContain('[image: chart]');
    await browser.screenshot(page, '05-edit');
    await page.getByRole('button', { name: 'Save & publish' }).click();
    // Publishing waits a few seconds: Undo keeps the draft (edits saved) and reopens it.
    const pending = page.locator('.toast-pending', { hasText: 'Publishing “Refunds and returns”' });
    await pending.waitFor();
    await expect(queueRow('Refunds').count()).resolves.toBe(0);
    await browser.screenshot(page, '05b-publish-undo');
    await pending.getByRole('button', { name: 'Undo' }).click();
    await queueRow('Refunds').waitFor();
    await page.getByRole('heading', { name: 'Refunds and returns' }).waitFor();
    const refundsDraftId = await queueRow('Refunds').getAttribute('data-draft-id');
    const draftNow = async () =>
      (
        await ctx
          .http()
          .post('/v2/hc-articles/ids/public')
          .set(key.header)
          .send({ articleIds: [refundsDraftId] })
      ).body[0] as { title: string; isDraftPublished: boolean };
    await new Promise((resolve) => setTimeout(resolve, 6000));
    await expect(queueRow('Refunds').count()).resolves.toBe(1);
    await expect(draftNow()).resolves.toMatchObject({
      title: 'Refunds and returns',
      isDraftPublished: false,
    });
    await page.keyboard.press('p');
    await page.getByText('Published “Refunds and returns”').waitFor();

    // 6. Reject another (r), with a reason.
    await page.getByRole('tab', { name: /^all/ }).click();
    await queueRow('Gift cards').locator('.queue-open').click();
    await page.locator('.article-view').waitFor();
    await page.keyboard.press('r');
    await page.getByLabel('Reason (optional)').fill('Covered by the checkout page');
    await page.keyboard.press('Enter');
    await page.getByText('Rejected “Gift cards”').waitFor();
    await expect(queueRow('Gift cards').count()).resolves.toBe(0);

    // 7. Bulk publish the rest: click the first, shift-click the last.
    const rows = page.locator('.queue-row');
    const rest = await rows.count();
    expect(rest).toBeGreaterThan(0);
    await rows.first().locator('input[type=checkbox]').click();
    await rows
      .last()
      .locator('input[type=checkbox]')
      .click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: `Publish ${rest}` }).click();
    await page.locator('.toast-pending', { hasText: `Publishing ${rest} drafts` }).waitFor();
    await page.locator('.bulk-summary', { hasText: `published ${rest}` }).waitFor();
    await browser.screenshot(page, '06-bulk-published');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByText('No drafts to review.').waitFor();

    // 8. The refunds page changes; "Regenerate changed" refreshes, waits, and drafts the update.
    fixture.setPage('/help/refunds', {
      body: htmlPage(
        'Refunds',
        `<p>You can request a refund within 45 days of purchase. Refunds go back to the original payment method.</p>
         <h2>How to request a refund</h2><ol><li>Open Billing in the dashboard.</li><li>Choose the invoice.</li><li>Click Request refund.</li></ol>
         <p>Refunds usually arrive within three business days.</p>`,
      ),
    });
    await page.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
    await page.getByRole('button', { name: 'Regenerate changed' }).click();
    const panel = page.locator('.regenerate-panel');
    await panel.getByText('1 changed source(s) are being regenerated').waitFor({ timeout: 60_000 });
    await panel.locator('.status', { hasText: 'completed' }).waitFor({ timeout: 60_000 });
    await browser.screenshot(page, '07-regenerate-changed');

    // 9. Publish the update (p).
    await panel.getByRole('link', { name: /drafts →/ }).click();
    await queueRow('Refunds').waitFor();
    await page.getByRole('region', { name: 'Body diff' }).locator('td.add mark', { hasText: '45' }).waitFor();
    // Leaving the page while a publish waits sends it first.
    const updateId = await queueRow('Refunds').getAttribute('data-draft-id');
    await page.keyboard.press('p');
    await page.locator('.toast-pending', { hasText: 'Publishing “Refunds' }).waitFor();
    await page.reload();
    await expect
      .poll(async () => {
        const response = await ctx
          .http()
          .post('/v2/hc-articles/ids/public')
          .set(key.header)
          .send({ articleIds: [updateId] });
        return (response.body[0] as { isDraftPublished: boolean }).isDraftPublished;
      })
      .toBe(true);

    // 10. The source is no longer changed.
    await page.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
    await page.getByLabel('Changed').check();
    await page.getByText('No source matches these filters.').waitFor();
    const list = await ctx.http().get('/v2/documents/public?changed=true').set(key.header).expect(200);
    expect(list.body.documents).toEqual([]);

    // Knowledge: the refunds article with its versions.
    await page.getByRole('navigation').getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('button', { name: /^Refunds/ }).click();
    await page.getByRole('heading', { name: 'Versions' }).waitFor();
    await browser.screenshot(page, '08-knowledge');

    expect(browser.errors).toEqual([]);
  });

  it(
    'publishes over a live article that moved on only after an explicit confirmation',
    { timeout: 120_000 },
    async () => {
      const owner = await ctx.createKey();
      const kb = knowledge(ctx, owner);
      const folder = await kb.folder('Billing');
      const live = await kb.article(folder.id, {
        title: 'Invoices',
        mainKnowledge: 'Invoices are emailed monthly.',
      });
      const draft = await kb.fork(live.id, {
        mainKnowledge: 'Invoices are emailed on the first day of each month.',
      });
      // The live article moves on after the fork.
      await kb.update(live.id, {
        title: 'Invoices',
        mainKnowledge: 'Invoices are emailed monthly and can be downloaded from Billing.',
        agentInstruction: live.agentInstruction,
        questions: live.questions,
        keywords: live.keywords,
        escalation: false,
      });
      const tab = (await browser.open()).page;
      await signIn(tab, baseUrl, owner.key);
      const row = tab.locator(`.queue-row[data-draft-id="${draft.id}"]`);
      await row.locator('.warn-icon').waitFor();
      await row.locator('.queue-open').click();
      await tab.getByText('The live article changed after this draft was made').waitFor();
      await tab.keyboard.press('p');
      const confirm = tab.getByRole('alertdialog', { name: 'Confirm publishing over the live article' });
      await confirm.waitFor();
      const liveNow = () =>
        ctx
          .http()
          .post('/v2/hc-articles/ids/public')
          .set(owner.header)
          .send({ articleIds: [live.id] });
      expect((await liveNow()).body[0].version).toBe(2);
      await browser.screenshot(tab, '10-stale-confirm');
      await tab.emulateMedia({ colorScheme: 'dark' });
      await browser.screenshot(tab, '11-stale-confirm-dark');
      await confirm.getByRole('button', { name: 'Publish over the live article' }).click();
      await tab.getByText('Published “Invoices” (live version 3)').waitFor();
      expect((await liveNow()).body[0].mainKnowledge).toBe(
        'Invoices are emailed on the first day of each month.',
      );
      expect(browser.errors).toEqual([]);
    },
  );

  it('Sync page: shows the schedules and webhooks of the workspace', { timeout: 120_000 }, async () => {
    const schedule = await ctx
      .http()
      .put('/v2/sync/public/schedules/nightly')
      .set(key.header)
      .send({ cron: '0 6 * * *', timezone: 'Europe/Berlin' });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(200);
    const hook = await ctx
      .http()
      .post('/v2/webhooks/public')
      .set(key.header)
      .send({ url: 'http://127.0.0.1:9/distill', events: ['sync.completed'], description: 'docs team' });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);

    const tab = (await browser.open()).page;
    await signIn(tab, baseUrl, key.key);
    await tab.getByRole('navigation').getByRole('link', { name: 'Sync' }).click();
    await tab.locator('[data-schedule="nightly"]').waitFor();
    await tab.getByText('http://127.0.0.1:9/distill').waitFor();
    await browser.screenshot(tab, '13-sync');
    expect(browser.errors).toEqual([]);
  });

  it(
    'disables every write control for a read-only key, saying why, and fits a phone',
    { timeout: 120_000 },
    async () => {
      const reader = await ctx.createKey({ scopes: ['read'], workspaceName: key.workspaceName });
      const phone = (await browser.open({ width: 390, height: 844 })).page;
      await signIn(phone, baseUrl, reader.key);
      await phone.getByText('read-only key').waitFor();
      await phone.getByRole('navigation').getByRole('link', { name: 'Sources' }).click();
      const regenerate = phone.getByRole('button', { name: 'Regenerate changed' });
      await expect(regenerate.isDisabled()).resolves.toBe(true);
      await expect(phone.locator('.tooltip-wrap').first().getAttribute('title')).resolves.toContain(
        'read-only',
      );
      await browser.screenshot(phone, '09-phone-sources-read-only');
      await phone.getByRole('button', { name: 'Sign out' }).click();
      await phone.getByLabel('API key').waitFor();
      await expect(phone.evaluate('sessionStorage.length')).resolves.toBe(0);
      expect(browser.errors).toEqual([]);
    },
  );
});
