import { expect, test, type Browser } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { BO, MIA, logIn } from './people';

// A young person on a phone writes a letter at /brev (from the closed chat's
// message when the chat is closed, else from the front page), keeps the
// code, Mia answers it in the console's "Breve" while Bo sees who is
// answering, and the young person reads the answer with the code in a fresh
// browser and writes back. The test command creates Mia and Bo.

test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => !isMobile, 'the young person is on a phone; the counsellors get desktops of their own');

async function phone(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  return context.newPage();
}

async function desktop(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 }, locale: 'da-DK' });
  return context.newPage();
}

test('a letter written on a phone is answered in the console and read with the code on another device', async ({ page, browser, baseURL }) => {
  const marker = `brev-${Date.now() % 1_000_000}`;
  const letter = `Jeg ryger hash hver aften (${marker}).\nHvordan stopper jeg?`;

  // The way in: the closed chat offers a letter; an open chat's front page too.
  await page.goto('/chat');
  if (await page.getByText('Chatten er lukket').isVisible()) {
    await page.getByRole('link', { name: 'Skriv et brev' }).click();
  } else {
    await page.goto('/');
    await page.getByRole('link', { name: 'Skriv et brev' }).click();
  }
  await expect(page.getByRole('heading', { name: 'Skriv et brev', level: 1 })).toBeVisible();
  await expect(page.getByText('inden for 3 hverdage')).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole('radio', { name: 'Jeg er ung' }).check();
  await page.getByRole('combobox', { name: /Hvor gammel er du/ }).selectOption({ label: '15–17' });
  await page.getByRole('combobox', { name: /Hvad handler det om/ }).selectOption({ label: 'Hash' });
  const text = page.getByRole('textbox', { name: 'Dit brev' });
  await text.fill(letter);
  await expect(page.locator('#letter-count')).toHaveText(`${letter.length} af 10.000 tegn`);
  await page.getByRole('button', { name: 'Send brevet' }).click();

  await expect(page.getByRole('heading', { name: 'Dit brev er sendt' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Vi har gemt dit brev');
  await expect(page.getByText('Uden koden kan svaret ikke findes igen')).toBeVisible();
  const code = (await page.getByTestId('letter-code').textContent())!.trim();
  expect(code.split(' ')).toHaveLength(4);
  await expectNoSeriousA11yViolations(page);

  // Mia answers in the console; Bo sees that she is answering.
  const mia = await desktop(browser, baseURL!);
  await logIn(mia, MIA, 'Mia');
  await mia.getByRole('navigation', { name: 'Sider' }).getByRole('button', { name: 'Breve' }).click();
  await expect(mia.getByRole('heading', { name: 'Breve', level: 2 })).toBeVisible();
  await expect(mia.getByText(/Svar inden/).first()).toBeVisible();
  await expectNoSeriousA11yViolations(mia);
  // Open the letters from young people about hash until this one shows.
  const items = mia.locator('li.letter-item').filter({ hasText: 'Hash' }).filter({ hasText: 'Ingen har taget det' });
  const count = await items.count();
  let found = false;
  for (let i = 0; i < count && !found; i++) {
    await mia.locator('li.letter-item').filter({ hasText: 'Hash' }).filter({ hasText: 'Ingen har taget det' }).nth(i).getByRole('button', { name: 'Læs' }).click();
    // The letter's text arrives after the view opens: wait for it a moment
    // (isVisible alone does not wait, and once read a blank view as "not it").
    await expect(mia.getByRole('button', { name: 'Tilbage til brevene' })).toBeVisible();
    found = await mia.getByText(marker).waitFor({ timeout: 5_000 }).then(() => true, () => false);
    if (!found) await mia.getByRole('button', { name: 'Tilbage til brevene' }).click();
  }
  expect(found).toBeTruthy();
  const answer = mia.getByRole('textbox', { name: 'Dit svar' });
  await answer.fill('Hej. Godt du skriver. Hvornår ryger du mest?');
  await mia.getByRole('button', { name: 'Gem kladde' }).click();
  await expect(mia.getByText('Kladden er gemt.')).toBeVisible();
  await expectNoSeriousA11yViolations(mia);

  const bo = await desktop(browser, baseURL!);
  await logIn(bo, BO, 'Bo');
  await bo.getByRole('navigation', { name: 'Sider' }).getByRole('button', { name: 'Breve' }).click();
  await expect(bo.getByText('Bliver besvaret af Mia').first()).toBeVisible();

  await mia.getByRole('button', { name: 'Send svaret' }).click();
  await expect(mia.getByText('Svaret er sendt.')).toBeVisible();

  // A fresh browser on another phone: only the code.
  const again = await phone(browser, baseURL!);
  await again.goto('/brev');
  await again.getByRole('link', { name: /Læs dit svar/ }).click();
  await again.getByRole('textbox', { name: /Din kode/ }).fill(code);
  await again.getByRole('button', { name: 'Læs' }).click();
  await expect(again.getByText('Der er et nyt svar til dig.')).toBeVisible();
  await expect(again.getByRole('list', { name: 'Brevene' })).toContainText('Hvornår ryger du mest?');
  await expect(again.getByRole('list', { name: 'Brevene' })).toContainText('Mia svarede');
  await expect(again.getByText(/Brevene slettes/)).toBeVisible();
  await expectNoSeriousA11yViolations(again);

  await again.getByRole('textbox', { name: 'Skriv tilbage' }).fill('Mest om aftenen, når jeg er alene.');
  await again.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(again.getByRole('status')).toContainText('Dit brev er sendt');
  await expect(again.getByRole('list', { name: 'Brevene' })).toContainText('Mest om aftenen');
  await expectNoSeriousA11yViolations(again);

  // Back in Mia's queue, still hers.
  await mia.getByRole('button', { name: 'Tilbage til brevene' }).click();
  await mia.getByRole('button', { name: 'Opdatér' }).click();
  await expect(mia.locator('li.letter-item').filter({ hasText: 'Taget af Mia' }).first()).toBeVisible();
});
