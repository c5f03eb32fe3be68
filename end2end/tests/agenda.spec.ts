import { expect, test } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { BO, logIn } from './people';

// Bo publishes his hours on "Mine tider", a parent on a phone books a talk
// on /booking, and Bo finds it under "Aftaler" with the alias and marks it
// attended, all in the console. The test command creates Mia (coordinator)
// and Bo.

test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK' });
test.skip(({ isMobile }) => isMobile, 'the counsellors are at desktops');

const alias = (prefix: string) => `${prefix}${Date.now() % 1_000_000}`;

// Known flaky failure (issue #6, open): passes alone, but in one run after Bo saved his hours on "Mine tider",
// /booking/times offers a first time that booking then refuses as taken
// (booking.spec, with hours published through the API, books fine).
test.fixme('Bo publishes his hours, a parent books, Bo sees the alias and marks it attended', async ({ page: console, browser, baseURL }) => {
  await logIn(console, BO, 'Bo');
  const pages = console.getByRole('navigation', { name: 'Sider' });

  // "Mine tider": replace whatever is there by every day, 08:00–20:00.
  // The saved hours load from the server; wait for them before editing.
  const loaded = console.waitForResponse((r) => r.url().includes('/api/booking/availability'));
  await pages.getByRole('button', { name: 'Mine tider' }).click();
  await loaded;
  await expect(console.getByRole('heading', { name: 'Mine tider', level: 2 })).toBeVisible();
  const weekly = console.getByRole('list', { name: 'Faste ugentlige tider' });
  while ((await weekly.getByRole('button', { name: 'Fjern række 1' }).count()) > 0) {
    await weekly.getByRole('button', { name: 'Fjern række 1' }).click();
  }
  const days = ['Mandag', 'Tirsdag', 'Onsdag', 'Torsdag', 'Fredag', 'Lørdag', 'Søndag'];
  for (const [i, day] of days.entries()) {
    await console.getByRole('button', { name: 'Tilføj ugentlig tid' }).click();
    const row = String(i + 1);
    await weekly.getByRole('combobox', { name: `Ugedag, række ${row}` }).selectOption({ label: day });
    await weekly.getByRole('textbox', { name: `Fra, række ${row}` }).fill('08:00');
    await weekly.getByRole('textbox', { name: `Til, række ${row}` }).fill('20:00');
  }
  // A row that ends before it starts is named before anything is sent.
  await weekly.getByRole('textbox', { name: 'Til, række 7' }).fill('07:00');
  await console.getByRole('button', { name: 'Gem tider' }).click();
  await expect(console.getByRole('alert').filter({ hasText: 'Ugentlig tid række 7' })).toBeVisible();
  await weekly.getByRole('textbox', { name: 'Til, række 7' }).fill('20:00');
  await console.getByRole('button', { name: 'Gem tider' }).click();
  await expect(console.getByText('Dine tider er gemt.')).toBeVisible();
  await expectNoSeriousA11yViolations(console);

  // A parent on a phone books the first free walk-and-talk.
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const parent = await phone.newPage();
  const name = alias('Mor');
  await parent.goto('/booking');
  await parent.getByRole('link', { name: /Gå-tur og snak/ }).click();
  await parent.locator('#first-time').check();
  await parent.getByRole('textbox', { name: 'Kaldenavn' }).fill(name);
  await parent.getByRole('combobox', { name: 'Hvor mødes vi?' }).selectOption('library');
  await parent.getByRole('button', { name: 'Book tiden' }).click();
  await expect(parent.getByRole('heading', { name: 'Din tid er booket' })).toBeVisible();
  await phone.close();

  // "Aftaler": the team's bookings include it (whoever was free got it).
  await pages.getByRole('button', { name: 'Aftaler' }).click();
  await expect(console.getByRole('heading', { name: 'Aftaler', level: 2 })).toBeVisible();
  await console.getByRole('checkbox', { name: 'Vis hele teamets aftaler' }).check();
  const booking = console.getByRole('listitem').filter({ hasText: name });
  await expect(booking).toBeVisible();
  await expect(booking).toContainText('Foran biblioteket');
  await expect(booking).toContainText('Booket');
  await expectNoSeriousA11yViolations(console);

  await booking.getByRole('group', { name: new RegExp(`^Handlinger for ${name}`) }).getByRole('button', { name: 'Mødt' }).click();
  await expect(console.getByText('Aftalen er markeret som mødt.')).toBeVisible();
  await expect(booking.locator('.booking-state')).toHaveText('Mødt');
  await expect(booking.getByRole('button', { name: 'Mødt' })).toHaveCount(0);
  await expectNoSeriousA11yViolations(console);
});
