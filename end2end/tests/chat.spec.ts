import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';

// The counsellor account the test command creates before starting the server.
const COUNSELLOR = { login: process.env.E2E_COUNSELLOR ?? 'e2e', password: process.env.E2E_PASSWORD ?? 'e2e-password-123' };

// A young person on a phone; the counsellor opens a desktop context of their own.
test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => !isMobile, 'the young person is on a phone');

type Frame = { type: string; [key: string]: unknown };

/** A counsellor console without UI: a browser page that logs in and speaks the console protocol. */
async function openConsole(browser: Browser, baseURL: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/healthz');
  await page.evaluate(async (credentials) => {
    const response = await fetch('/api/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status}`);
    const w = window as unknown as { frames_: Frame[]; ws_: WebSocket };
    w.frames_ = [];
    const socket = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws/console');
    w.ws_ = socket;
    socket.onmessage = (event) => w.frames_.push(JSON.parse(event.data));
    await new Promise((resolve) => (socket.onopen = resolve));
    socket.send(JSON.stringify({ type: 'hello', version: 1 }));
  }, COUNSELLOR);
  return page;
}

const frames = (console: Page) => console.evaluate(() => (window as unknown as { frames_: Frame[] }).frames_);
const consoleSend = (console: Page, frame: Frame) =>
  console.evaluate((f) => (window as unknown as { ws_: WebSocket }).ws_.send(JSON.stringify(f)), frame);

/** Starts a chat in two taps (plus a topic, so the counsellor can pick this one). */
async function startChat(page: Page) {
  await page.goto('/');
  await page.getByRole('link', { name: 'Chat anonymt' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  // Taps before hydration do nothing: retry until the chat opens.
  await expect(async () => {
    await page.getByRole('button', { name: 'Jeg er ung' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: 'Noget andet' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: 'Start chatten' }).click({ timeout: 1_000 });
    await expect(page.getByRole('status')).toContainText('i køen', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
}

async function claimOurs(console: Page): Promise<number> {
  let conversation = 0;
  await expect
    .poll(async () => {
      const queue = [...(await frames(console))].reverse().find((f) => f.type === 'queue') as
        | { waiting: { conversation: number; topic: string | null }[] }
        | undefined;
      // The newest waiting chat about "something else" is ours (earlier tests
      // may leave a chat waiting, as a person who simply left would).
      conversation = queue?.waiting.filter((w) => w.topic === 'other').at(-1)?.conversation ?? 0;
      return conversation;
    })
    .toBeGreaterThan(0);
  await consoleSend(console, { type: 'claim', conversation });
  await expect.poll(async () => (await frames(console)).some((f) => f.type === 'claimed')).toBe(true);
  return conversation;
}

test('a young person and a counsellor talk, and a reload keeps the conversation', async ({ page, browser, baseURL }) => {
  await startChat(page);
  await expect(page.getByRole('status')).toContainText('Du er nummer');
  await expect(page.getByText(/Samtalen slettes automatisk \d+\. \p{L}+ \d{4}/u)).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  const composer = page.getByRole('textbox', { name: 'Din besked' });
  await composer.fill('Hej, jeg ryger lidt for meget');
  await composer.press('Enter');
  const mine = page.getByRole('listitem').filter({ hasText: 'Hej, jeg ryger lidt for meget' });
  await expect(mine).toContainText('Sendt');

  const console = await openConsole(browser, baseURL!);
  const conversation = await claimOurs(console);
  await expect(page.getByRole('status')).toContainText('Mia er her nu.');
  await expect
    .poll(async () => (await frames(console)).some((f) => f.type === 'message' && (f.message as { text: string }).text === 'Hej, jeg ryger lidt for meget'))
    .toBe(true);

  await consoleSend(console, { type: 'send', conversation, client_id: 'e2e-c1', text: 'Hej! Godt du skriver.' });
  await expect(page.getByRole('listitem').filter({ hasText: 'Hej! Godt du skriver.' })).toBeVisible();
  await consoleSend(console, { type: 'read', conversation, up_to: 1 });
  await expect(mine).toContainText('Læst');

  // A reload (same tab) reattaches to the same conversation.
  await page.reload();
  await expect(page.getByRole('listitem').filter({ hasText: 'Hej! Godt du skriver.' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('listitem').filter({ hasText: 'Hej, jeg ryger lidt for meget' })).toBeVisible();
  await composer.fill('Er du der stadig?');
  await composer.press('Enter');
  await expect
    .poll(async () => (await frames(console)).filter((f) => f.type === 'message' && (f.message as { text: string }).text === 'Er du der stadig?').length)
    .toBe(1);
  await expectNoSeriousA11yViolations(page);

  await consoleSend(console, { type: 'close', conversation, outcome: 'advice_given' });
  await expect(page.getByRole('status')).toContainText('Samtalen er slut');
  await console.context().close();
});

test('messages written while the connection is down are sent once it is back', async ({ page, browser, baseURL }) => {
  // Lets the test cut the network for WebSockets: while "offline", new sockets
  // go nowhere (Chromium's offline emulation does not touch WebSockets).
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const w = window as unknown as { __offline: boolean; __sockets: WebSocket[]; WebSocket: unknown };
    w.__offline = false;
    w.__sockets = [];
    const Wrapped = function (url: string | URL, protocols?: string | string[]) {
      const socket = new Native(w.__offline ? 'ws://127.0.0.1:9/' : url, protocols);
      w.__sockets.push(socket);
      return socket;
    } as unknown as typeof WebSocket;
    Object.assign(Wrapped, { prototype: Native.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
    w.WebSocket = Wrapped;
  });
  await startChat(page);
  const console = await openConsole(browser, baseURL!);
  const conversation = await claimOurs(console);
  await expect(page.getByRole('status')).toContainText('Mia er her nu.');

  // The network drops: every socket closes and reconnecting fails until it is back.
  await page.evaluate(() => {
    const w = window as unknown as { __offline: boolean; __sockets: WebSocket[] };
    w.__offline = true;
    for (const socket of w.__sockets) socket.close();
  });
  await expect(page.getByRole('status')).toContainText('Forbindelsen er væk');
  const composer = page.getByRole('textbox', { name: 'Din besked' });
  await composer.fill('Skrevet uden net');
  await composer.press('Enter');
  await expect(page.getByRole('listitem').filter({ hasText: 'Skrevet uden net' })).toContainText('Sender');
  await page.evaluate(() => ((window as unknown as { __offline: boolean }).__offline = false));
  await expect
    .poll(async () => (await frames(console)).filter((f) => f.type === 'message' && (f.message as { text: string }).text === 'Skrevet uden net').length, { timeout: 30_000 })
    .toBe(1);
  await expect(page.getByRole('listitem').filter({ hasText: 'Skrevet uden net' })).toContainText('Sendt');
  await consoleSend(console, { type: 'close', conversation, outcome: 'other' });
  await console.context().close();
});

test('quick exit leaves nothing of the chat on the device', async ({ page }) => {
  await page.route('https://www.dr.dk/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<title>Vejret</title><p>Vejret</p>' }),
  );
  await startChat(page);
  await page.getByRole('textbox', { name: 'Din besked' }).fill('noget privat');
  await page.getByRole('textbox', { name: 'Din besked' }).press('Enter');
  await expect(page.getByRole('listitem').filter({ hasText: 'noget privat' })).toContainText('Sendt');
  expect(await page.evaluate(() => sessionStorage.length)).toBeGreaterThan(0);

  await page.getByRole('link', { name: /Hurtig exit/ }).click();
  await expect(page).toHaveTitle('Vejret');
  await page.goto('/chat');
  expect(await page.evaluate(() => sessionStorage.length + localStorage.length)).toBe(0);
  await expect(page.getByRole('button', { name: 'Start chatten' })).toBeVisible();
});

test('a risk word calmly brings the emergency numbers up beside the chat', async ({ page }) => {
  await startChat(page);
  const help = page.getByRole('complementary', { name: 'Brug for hjælp lige nu?' });
  await expect(help).toHaveCount(1);
  const composer = page.getByRole('textbox', { name: 'Din besked' });
  await composer.fill('Nogle gange vil jeg bare dø');
  await composer.press('Enter');
  await expect(help).toHaveCount(2);
  await expect(help.first()).toContainText('Du kan stadig skrive her');
  await expect(help.first().getByRole('link', { name: /112/ })).toBeVisible();
  // The chat goes on undisturbed.
  await expect(page.getByRole('listitem').filter({ hasText: 'Nogle gange vil jeg bare dø' })).toContainText('Sendt');
  await expect(composer).toBeEditable();
  await page.getByRole('button', { name: 'Slet samtalen nu' }).click();
  await expect(page.getByRole('status')).toContainText('Samtalen er slettet');
});

/** Opens the "have a code?" part of the start screen (a native <details>). */
async function openCodeForm(page: Page) {
  const field = page.getByRole('textbox', { name: 'Din kode (fire ord)' });
  if (!(await field.isVisible())) await page.getByText('Har du en kode fra sidst?').click({ timeout: 1_000 });
}

test('a resume code continues the conversation in a fresh browser, with the same counsellor', async ({ page, browser, baseURL }) => {
  await page.goto('/chat');
  await expect(async () => {
    await page.getByRole('button', { name: 'Jeg er ung' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: 'Noget andet' }).click({ timeout: 1_000 });
    await page.getByRole('textbox', { name: /Hvad må vi kalde dig/ }).fill('Bo', { timeout: 1_000 });
    await page.getByRole('button', { name: 'Start chatten' }).click({ timeout: 1_000 });
    await expect(page.getByRole('status')).toContainText('i køen', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const composer = page.getByRole('textbox', { name: 'Din besked' });
  await composer.fill('Første gang jeg skriver');
  await composer.press('Enter');
  await expect(page.getByRole('listitem').filter({ hasText: 'Første gang jeg skriver' })).toContainText('Sendt');

  const console = await openConsole(browser, baseURL!);
  const conversation = await claimOurs(console);
  const claimed = (await frames(console)).find((f) => f.type === 'claimed') as { entry: { nickname: string | null } };
  expect(claimed.entry.nickname).toBe('Bo');
  await consoleSend(console, { type: 'send', conversation, client_id: 'e2e-r1', text: 'Skriv igen når du vil' });
  await expect(page.getByRole('listitem').filter({ hasText: 'Skriv igen når du vil' })).toBeVisible();
  await consoleSend(console, { type: 'close', conversation, outcome: 'advice_given' });
  await expect(page.getByRole('status')).toContainText('Samtalen er slut');

  // Offered when the counsellor closes: a code of four words, shown once.
  await page.getByRole('button', { name: 'Få en kode, så du kan fortsætte senere' }).click();
  const code = (await page.getByTestId('resume-code').textContent())?.trim() ?? '';
  expect(code.split(' ')).toHaveLength(4);
  await expectNoSeriousA11yViolations(page);

  // Another device: a fresh browser context with nothing stored.
  const device = await browser.newContext({ baseURL, viewport: page.viewportSize()!, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const other = await device.newPage();
  await other.goto('/chat');
  await expect(async () => {
    await openCodeForm(other);
    await other.getByRole('textbox', { name: 'Din kode (fire ord)' }).fill(code.toUpperCase(), { timeout: 1_000 });
    await other.getByRole('button', { name: 'Fortsæt samtalen' }).click({ timeout: 1_000 });
    await expect(other.getByRole('status')).toContainText('i køen', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  // The earlier talk comes along.
  await expect(other.getByRole('listitem').filter({ hasText: 'Første gang jeg skriver' })).toBeVisible();
  await expect(other.getByRole('listitem').filter({ hasText: 'Skriv igen når du vil' })).toBeVisible();

  // Mia, still on duty, sees her returning person and takes the new talk.
  await expect
    .poll(async () => {
      const queue = [...(await frames(console))].reverse().find((f) => f.type === 'queue') as
        | { waiting: { conversation: number; talk: number; previous_counsellor: string | null }[] }
        | undefined;
      return queue?.waiting.find((w) => w.conversation === conversation)?.previous_counsellor ?? null;
    })
    .toBe('Mia');
  await consoleSend(console, { type: 'claim', conversation });
  await expect(other.getByRole('status')).toContainText('Mia er her nu.');
  const again = other.getByRole('textbox', { name: 'Din besked' });
  await again.fill('Hej igen');
  await again.press('Enter');
  await expect
    .poll(async () => (await frames(console)).filter((f) => f.type === 'message' && (f.message as { text: string }).text === 'Hej igen').length)
    .toBe(1);

  // A wrong code gets a plain answer on the start screen.
  const third = await device.newPage();
  await third.goto('/chat');
  await expect(async () => {
    await openCodeForm(third);
    await third.getByRole('textbox', { name: 'Din kode (fire ord)' }).fill('sol sol sol sol', { timeout: 1_000 });
    await third.getByRole('button', { name: 'Fortsæt samtalen' }).click({ timeout: 1_000 });
    await expect(third.getByRole('alert')).toContainText('Den kode kender vi ikke', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  await consoleSend(console, { type: 'close', conversation, outcome: 'advice_given' });
  await device.close();
  await console.context().close();
});
