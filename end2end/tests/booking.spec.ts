import { expect, test, type APIRequestContext } from '@playwright/test';
import { expectNoSeriousA11yViolations } from './a11y';
import { BO, MIA } from './people';

// A parent on a phone books a walk-and-talk, keeps the .ics, moves it and
// cancels it with the manage code; the counsellor's agenda (the console's JSON) follows. The
// test command creates Mia (coordinator) and Bo.

test.describe.configure({ mode: 'serial' });
test.use({ locale: 'da-DK', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

const alias = (prefix: string) => `${prefix}${Date.now() % 1_000_000}`;

/** Logs a counsellor in on a request context of their own (cookie kept). */
async function counsellor(playwright: { request: { newContext: (o: object) => Promise<APIRequestContext> } }, baseURL: string, who: { login: string; password: string }) {
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { origin: baseURL } });
  const response = await api.post('/api/session', { data: who });
  expect(response.ok()).toBeTruthy();
  return api;
}

test('a parent books a walk-and-talk, keeps the .ics, moves it and cancels with the code', async ({ page, playwright, baseURL }) => {
  const bo = await counsellor(playwright, baseURL!, BO);
  const weekly = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, from: '08:00', to: '20:00' }));
  expect((await bo.put('/api/booking/availability', { data: { weekly, exceptions: [] } })).ok()).toBeTruthy();

  const name = alias('Mor');
  await page.goto('/booking');
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('link', { name: /Gå-tur og snak/ }).click();
  await page.locator('#first-time').check();
  await page.getByRole('textbox', { name: 'Kaldenavn' }).fill(name);
  await page.getByRole('combobox', { name: 'Hvor mødes vi?' }).selectOption('library');
  await expectNoSeriousA11yViolations(page);
  await page.getByRole('button', { name: 'Book tiden' }).click();
  await expect(page.getByRole('heading', { name: 'Din tid er booket' })).toBeVisible();
  const code = (await page.locator('.code').textContent())!.trim();
  expect(code.split(' ')).toHaveLength(4);
  await expectNoSeriousA11yViolations(page);

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: /Læg i kalenderen/ }).click();
  const file = await (await download).path();
  const ics = require('node:fs').readFileSync(file, 'utf8') as string;
  expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBeTruthy();
  expect(ics).toContain('LOCATION:Foran biblioteket');

  let agenda = await (await bo.get('/api/booking/agenda')).json();
  expect(agenda.find((b: { alias: string }) => b.alias === name)?.state).toBe('booked');

  await page.goto('/booking/manage');
  await page.getByRole('textbox', { name: /Din kode/ }).fill(code);
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByText(name)).toBeVisible();
  const bookedAt = agenda.find((b: { alias: string }) => b.alias === name)?.starts_at;

  // Moving: another of the offered times; the agenda follows.
  await page.locator('form[action="/booking/move"] input[name="start"]').nth(1).check();
  await page.getByRole('button', { name: 'Flyt til en anden tid' }).click();
  await expect(page.getByRole('status')).toContainText('Tiden er flyttet.');
  await expectNoSeriousA11yViolations(page);
  agenda = await (await bo.get('/api/booking/agenda')).json();
  const moved = agenda.find((b: { alias: string; state: string }) => b.alias === name && b.state === 'booked');
  expect(moved?.starts_at).not.toBe(bookedAt);

  await page.getByRole('button', { name: 'Aflys tiden' }).click();
  await expect(page.getByRole('status')).toContainText('Tiden er aflyst.');

  agenda = await (await bo.get('/api/booking/agenda')).json();
  expect(agenda.find((b: { alias: string; state: string }) => b.alias === name && b.state === 'booked')).toBeUndefined();
});

test('a parent signing up for a full group lands on the waiting list', async ({ page, playwright, baseURL }) => {
  const mia = await counsellor(playwright, baseURL!, MIA);
  const start = Date.now() + 10 * 86_400_000;
  const name = alias('Forældregruppe ');
  const created = await mia.post('/api/groups', {
    data: { name, audience: 'parents', place: 'Ungecentret', capacity: 1, sessions: [{ starts_at: start, ends_at: start + 3.5 * 3_600_000 }] },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  // Someone else took the only seat.
  const other = await playwright.request.newContext({ baseURL });
  expect((await other.post('/groups/signup', { form: { course: String(id), alias: 'Far' } })).ok()).toBeTruthy();

  await page.goto('/groups');
  const course = page.getByRole('region', { name });
  await expect(course).toContainText('Holdet er fuldt');
  await course.getByRole('textbox', { name: 'Kaldenavn' }).fill(alias('Mor'));
  await course.getByRole('button', { name: 'Tilmeld' }).click();
  await expect(page.getByRole('status')).toContainText('Du er på ventelisten. Din plads i køen: 1');
  await expectNoSeriousA11yViolations(page);
});
