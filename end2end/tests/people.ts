import { expect, type Browser, type Page } from '@playwright/test';

// The people of the console's browser tests: two counsellors at their laptops
// (Mia is also the coordinator; the test command creates both accounts) and
// young people on phones.
export const MIA = { login: process.env.E2E_COUNSELLOR ?? 'e2e', password: process.env.E2E_PASSWORD ?? 'e2e-password-123' };
export const BO = { login: process.env.E2E_COUNSELLOR2 ?? 'e2e-bo', password: process.env.E2E_PASSWORD ?? 'e2e-password-123' };

/** A young person on a phone starts a chat and writes one message. */
export async function youngPersonWrites(browser: Browser, baseURL: string, name: string, text: string): Promise<Page> {
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const page = await phone.newPage();
  await page.goto('/chat');
  await expect(async () => {
    await page.getByRole('button', { name: 'Jeg er ung' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: '15–17' }).click({ timeout: 1_000 });
    await page.getByRole('button', { name: 'Hash' }).click({ timeout: 1_000 });
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

/** Logs a counsellor in and waits until the console is connected. */
export async function logIn(page: Page, who: { login: string; password: string }, firstName: string) {
  await page.goto('/console');
  await page.getByRole('textbox', { name: 'Brugernavn' }).fill(who.login);
  await page.getByLabel('Adgangskode').fill(who.password);
  await page.getByRole('button', { name: 'Log ind' }).click();
  await expect(page.getByText('Forbundet')).toBeVisible();
  await expect(page.getByText(`Logget ind som ${firstName}`)).toBeVisible();
}

/** Ends `name`'s chat from the console, as a counsellor does when the
 * person has gone quiet: its tab, "Afslut…", an outcome, "Afslut samtalen".
 * Tests end what they take, so the counsellors' maximum of chats at once
 * is not used up for the tests that follow. */
export async function endChat(console: Page, name: string) {
  await console.getByRole('button', { name: new RegExp(`^${name}\\b`) }).click();
  const chat = console.getByRole('article', { name });
  await chat.getByRole('button', { name: 'Afslut…' }).click();
  await console.getByLabel('Hvordan endte samtalen?').selectOption({ label: 'Råd og vejledning givet' });
  await console.getByRole('button', { name: 'Afslut samtalen' }).click();
  await expect(chat).toHaveCount(0);
}
