import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';

// The counsellor account the test command creates before starting the server (first name Mia).
const COUNSELLOR = { login: process.env.E2E_COUNSELLOR ?? 'e2e', password: process.env.E2E_PASSWORD ?? 'e2e-password-123' };

// The counsellor works at a laptop (this project's page); each young person
// gets a phone context of their own.
test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => isMobile, 'the counsellor is at a desktop');

/** A nickname no other test's chat has, so the counsellor can pick this one out of the queue. */
const nickname = (prefix: string) => `${prefix}${Date.now() % 1_000_000}`;

/** A young person on a phone starts a chat (who they are, a topic, a nickname, start) and writes. */
async function youngPersonWrites(browser: Browser, baseURL: string, name: string, text: string): Promise<Page> {
  const phone = await browser.newContext({
    baseURL,
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: 'da-DK',
  });
  const page = await phone.newPage();
  await page.goto('/chat');
  // Taps before hydration do nothing: retry until the chat opens.
  await expect(async () => {
    await page.getByRole('button', { name: 'Jeg er ung' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: '15–17' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: 'Alkohol' }).click({ timeout: 1_000 });
    await page.getByRole('textbox', { name: /Hvad må vi kalde dig/ }).fill(name, { timeout: 1_000 });
    await page.getByRole('button', { name: 'Start chatten' }).click({ timeout: 1_000 });
    await expect(page.getByRole('status')).toContainText('i køen', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const composer = page.getByRole('textbox', { name: 'Din besked' });
  await composer.fill(text);
  await composer.press('Enter');
  await expect(page.getByRole('listitem').filter({ hasText: text })).toContainText('Sendt');
  return page;
}

/** Opens the console and logs in as Mia. */
async function logIn(page: Page) {
  await page.goto('/console');
  await expect(page.getByRole('heading', { name: 'Log ind' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Brugernavn' }).fill(COUNSELLOR.login);
  await page.getByLabel('Adgangskode').fill(COUNSELLOR.password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await expect(page.getByText('Forbundet')).toBeVisible();
  await expect(page.getByText('Logget ind som Mia')).toBeVisible();
}

/** The queue entry of `name`'s chat, once it is there. */
function queueEntry(console: Page, name: string) {
  return console.getByRole('region', { name: /^Kø/ }).getByRole('listitem').filter({ hasText: name });
}

test('a counsellor takes a chat from the live queue, answers it and closes it with an outcome', async ({ page: console, browser, baseURL }) => {
  await console.goto('/console');
  await expect(console.getByRole('heading', { name: 'Log ind' })).toBeVisible();
  await expectNoSeriousA11yViolations(console);
  // A wrong password gets a plain answer.
  await console.getByRole('textbox', { name: 'Brugernavn' }).fill(COUNSELLOR.login);
  await console.getByLabel('Adgangskode').fill('not-the-password');
  await console.getByRole('button', { name: 'Log ind' }).click();
  await expect(console.getByRole('alert')).toContainText('Forkert brugernavn eller adgangskode');
  await logIn(console);

  // A young person starts a chat while the console is open: it appears live.
  const name = nickname('Ida');
  const youth = await youngPersonWrites(browser, baseURL!, name, 'Hej, er der nogen?');
  const entry = queueEntry(console, name);
  await expect(entry).toContainText('Ung · 15–17 år · Alkohol');
  await expect(entry).toContainText(/Venter (under 1 min|\d+ min)/);
  await expectNoSeriousA11yViolations(console);

  await entry.getByRole('button', { name: 'Tag samtalen' }).click();
  await expect(entry).toHaveCount(0);
  const chat = console.getByRole('article', { name });
  const messages = chat.getByRole('region', { name: 'Beskeder' });
  await expect(messages.getByRole('listitem').filter({ hasText: 'Hej, er der nogen?' })).toBeVisible();
  const reply = console.getByRole('combobox', { name: `Svar til ${name}` });
  await expect(reply).toBeFocused();

  // The young person sees who took the chat, and that it was read.
  await expect(youth.getByRole('status')).toContainText('Mia er her nu.');
  await expect(youth.getByRole('listitem').filter({ hasText: 'Hej, er der nogen?' })).toContainText('Læst');

  // Both ways: Enter sends, Shift+Enter is a new line.
  await reply.fill('Hej! Godt du skriver.');
  await reply.press('Shift+Enter');
  await reply.pressSequentially('Hvad tænker du på?');
  await reply.press('Enter');
  await expect(reply).toHaveValue('');
  const mine = messages.getByRole('listitem').filter({ hasText: 'Hej! Godt du skriver.' });
  await expect(mine).toContainText('Hvad tænker du på?');
  await expect(mine).toContainText('Sendt');
  await expect(youth.getByRole('listitem').filter({ hasText: 'Hej! Godt du skriver.' })).toBeVisible();

  const youthComposer = youth.getByRole('textbox', { name: 'Din besked' });
  await youthComposer.fill('Jeg drikker for meget til fester');
  await expect(chat).toContainText(`${name} skriver…`);
  await youthComposer.press('Enter');
  await expect(messages.getByRole('listitem').filter({ hasText: 'Jeg drikker for meget til fester' })).toBeVisible();
  await expect(youth.getByRole('listitem').filter({ hasText: 'Jeg drikker for meget til fester' })).toContainText('Læst');
  await expectNoSeriousA11yViolations(console);

  // A reload (or a dropped connection) reopens the counsellor's own chats,
  // still named by the person's nickname.
  await console.reload();
  await expect(console.getByText('Forbundet')).toBeVisible();
  const tab = console.getByRole('button', { name: new RegExp(`^${name}\\b`) });
  await tab.click();
  const reopened = console.getByRole('article', { name });
  await expect(reopened.getByRole('listitem').filter({ hasText: 'Jeg drikker for meget til fester' })).toBeVisible();
  await expect(reopened.getByRole('listitem').filter({ hasText: 'Hej! Godt du skriver.' })).toContainText('Sendt');

  // Closing asks for the outcome first.
  await console.getByRole('button', { name: 'Afslut…' }).click();
  await expect(console.getByRole('button', { name: 'Afslut samtalen' })).toBeDisabled();
  await console.getByLabel('Hvordan endte samtalen?').selectOption({ label: 'Råd og vejledning givet' });
  await console.getByRole('button', { name: 'Afslut samtalen' }).click();
  await expect(youth.getByRole('status')).toContainText('Samtalen er slut');
  await expect(reopened).toHaveCount(0);
  await expect(tab).toHaveCount(0);

  // Logging out leaves nothing of the work on screen.
  await console.getByRole('button', { name: 'Log ud' }).click();
  await expect(console.getByRole('heading', { name: 'Log ind' })).toBeVisible();
  await youth.context().close();
});

test('blocking ends an abusive chat at once', async ({ page: console, browser, baseURL }) => {
  await logIn(console);
  const name = nickname('Troll');
  const youth = await youngPersonWrites(browser, baseURL!, name, 'noget grimt');
  await queueEntry(console, name).getByRole('button', { name: 'Tag samtalen' }).click();
  const chat = console.getByRole('article', { name });
  await expect(chat.getByRole('listitem').filter({ hasText: 'noget grimt' })).toBeVisible();

  // Blocking asks for a confirmation, and can be called off.
  const confirm = console.getByRole('group').filter({ hasText: 'kode kan ikke bruges igen' });
  await console.getByRole('button', { name: 'Bloker…' }).click();
  await expect(confirm).toBeVisible();
  await console.getByRole('button', { name: 'Fortryd' }).click();
  await expect(confirm).toHaveCount(0);
  await console.getByRole('button', { name: 'Bloker…' }).click();
  await expectNoSeriousA11yViolations(console);
  await console.getByRole('button', { name: 'Afslut og bloker' }).click();

  await expect(youth.getByRole('status')).toContainText('Samtalen er slut');
  await expect(console.getByRole('article', { name })).toHaveCount(0);
  await youth.context().close();
});

test('when the person ends the chat, the counsellor sees it and closes the tab', async ({ page: console, browser, baseURL }) => {
  await logIn(console);
  const name = nickname('Sol');
  const youth = await youngPersonWrites(browser, baseURL!, name, 'Jeg skal gå nu');
  await queueEntry(console, name).getByRole('button', { name: 'Tag samtalen' }).click();
  const chat = console.getByRole('article', { name });
  await expect(chat.getByRole('listitem').filter({ hasText: 'Jeg skal gå nu' })).toBeVisible();

  await youth.getByRole('button', { name: 'Afslut chat' }).click();
  await expect(chat.getByRole('status')).toContainText('Personen har afsluttet samtalen.');
  await expect(console.getByRole('combobox', { name: `Svar til ${name}` })).toHaveCount(0);
  await expect(console.getByRole('button', { name: new RegExp(`^${name}`) })).toContainText('slut');
  await chat.getByRole('button', { name: 'Luk' }).click();
  await expect(chat).toHaveCount(0);
  await youth.context().close();
});

test('the console runs under its strict content security policy, and speaks English on request', async ({ page: console }) => {
  const problems: string[] = [];
  console.on('console', (m) => {
    // The session check before logging in answers 401, which Chromium logs.
    if (m.type() === 'error' && !m.text().includes('401')) problems.push(m.text());
  });
  console.on('pageerror', (e) => problems.push(e.message));
  const response = await console.goto('/console');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("'nonce-");
  expect(csp).not.toContain('unsafe-inline');
  await logIn(console);
  await console.getByRole('button', { name: 'English' }).click();
  await expect(console.getByText('Connected')).toBeVisible();
  await expect(console.getByRole('region', { name: /^Queue/ })).toBeVisible();
  await expect(console.locator('html')).toHaveAttribute('lang', 'en');
  await console.reload();
  await expect(console.getByText('Connected')).toBeVisible();
  await console.getByRole('button', { name: 'Dansk' }).click();
  await expect(console.getByText('Forbundet')).toBeVisible();
  expect(problems, problems.join('\n')).toEqual([]);
});
