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

test('Bo publishes his hours, a parent books, Bo marks it attended and gives a professional the video link', async ({ page: console, browser, baseURL }) => {
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

  // A parent on a phone books the last free walk-and-talk offered. Not the
  // first: booking.spec runs in the other worker at the same time and takes
  // the first, and the loser of that race is rightly told it was taken.
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const parent = await phone.newPage();
  const name = alias('Mor');
  await parent.goto('/booking');
  await parent.getByRole('link', { name: /Gå-tur og snak/ }).click();
  await parent.locator('input[name="start"]').last().check();
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

  // A professional books a video call; Bo gives the link in the agenda and
  // the professional reads it with the manage code, on a fresh phone.
  const office = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const professional = await office.newPage();
  const caller = alias('SSP');
  await professional.goto('/booking');
  await professional.getByRole('link', { name: /Videosamtale/ }).click();
  await professional.getByRole('radio', { name: 'Fagperson' }).check();
  await professional.locator('input[name="start"]').last().check();
  await professional.getByRole('textbox', { name: 'Kaldenavn' }).fill(caller);
  await professional.getByRole('button', { name: 'Book tiden' }).click();
  await expect(professional.getByRole('heading', { name: 'Din tid er booket' })).toBeVisible();
  await expect(professional.getByText('Din rådgiver lægger linket her')).toBeVisible();
  const code = (await professional.locator('.code').textContent())!.trim();
  await office.close();

  await console.getByRole('checkbox', { name: 'Vis hele teamets aftaler' }).uncheck();
  const call = console.getByRole('listitem').filter({ hasText: caller });
  await expect(call).toContainText('Ikke givet endnu');
  await call.getByRole('button', { name: 'Giv videolink' }).click();
  const field = console.getByRole('textbox', { name: /Link til videosamtalen/ });
  await expect(field).toBeFocused();
  await field.fill('https://video.example.dk/rum 7');
  await console.getByRole('button', { name: 'Gem link' }).click();
  await expect(console.getByRole('alert')).toContainText('Skriv en https://-adresse');
  await field.fill('https://video.example.dk/rum/7');
  await console.getByRole('button', { name: 'Gem link' }).click();
  await expect(console.getByText('Videolinket er gemt.')).toBeVisible();
  await expect(call.getByRole('link', { name: 'https://video.example.dk/rum/7' })).toBeVisible();
  await expectNoSeriousA11yViolations(console);

  const later = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'da-DK' });
  const again = await later.newPage();
  await again.goto('/booking/manage');
  await again.getByRole('textbox', { name: /Din kode/ }).fill(code);
  await again.getByRole('button', { name: 'Find' }).click();
  await expect(again.getByRole('link', { name: 'https://video.example.dk/rum/7' })).toBeVisible();
  await expectNoSeriousA11yViolations(again);
  await later.close();
});
